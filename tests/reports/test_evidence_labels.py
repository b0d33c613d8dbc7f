"""Every evidence key a check writes has a label in both languages, and the run report shows
the labels, never the machine keys (which stay in findings.json)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from checks.messages import EVIDENCE_LABELS, EVIDENCE_VALUES, evidence_label
from reports.run_report import evidence_lines

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = sorted((ROOT / "tests" / "e2e" / "golden").glob("*.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _dict_keys(node: ast.AST | None, found: set[str]) -> None:
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.add(key.value)
            elif key is None:  # {**other}
                _dict_keys(value, found)
    elif isinstance(node, ast.Call) and _name(node.func) == "dict":
        found.update(kw.arg for kw in node.keywords if kw.arg)


def _updates_evidence(node: ast.AST) -> bool:
    """``evidence.update(…)``, ``finding.evidence.update(…)``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "update"
        and "evidence" in _name(node.func.value)
    )


def written_evidence_keys() -> set[str]:
    """Every key the checks' code puts into an evidence mapping: dict literals passed as
    ``evidence=`` or bound to a name with "evidence" in it, returned by a function so named,
    ``evidence[KEY] = …`` and ``evidence.update(…)``."""
    found: set[str] = set()
    for path in (ROOT / "checks").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "evidence":
                _dict_keys(node.value, found)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if "evidence" in _name(target):
                        _dict_keys(node.value, found)
                    if (isinstance(target, ast.Subscript) and "evidence" in _name(target.value)
                            and isinstance(target.slice, ast.Constant)):  # fmt: skip
                        found.add(str(target.slice.value))
            elif isinstance(node, ast.FunctionDef) and "evidence" in node.name:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return):
                        _dict_keys(inner.value, found)
            elif _updates_evidence(node):
                assert isinstance(node, ast.Call)
                for arg in node.args:
                    _dict_keys(arg, found)
                found.update(kw.arg for kw in node.keywords if kw.arg)
    return found


def golden_evidence_keys() -> set[str]:
    keys: set[str] = set()
    for path in GOLDEN:
        for finding in json.loads(path.read_text(encoding="utf-8"))["findings"]:
            keys.update(finding["evidence"])
    return keys


def test_the_collector_sees_every_key_the_inspected_portals_produce():
    """The demo's and the unseen portal's findings (43 check/subtype pairs) carry no key the
    code scan misses, so the scan can stand for the checks' whole output."""
    golden = golden_evidence_keys()
    assert len(golden) > 50
    assert golden <= written_evidence_keys()


def test_every_evidence_key_has_a_label_in_both_languages():
    missing = sorted(written_evidence_keys() - set(EVIDENCE_LABELS))
    assert missing == [], f"evidence keys without a label (checks/messages.py): {missing}"
    for key, (zh, en) in EVIDENCE_LABELS.items():
        assert CJK.search(zh), (key, zh)
        assert en and not CJK.search(en), (key, en)


def test_every_coded_value_has_both_names():
    for key, names in EVIDENCE_VALUES.items():
        assert key in EVIDENCE_LABELS
        for code, (zh, en) in names.items():
            assert CJK.search(zh) and en and not CJK.search(en), (key, code)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_machine_key_reaches_a_report(lang):
    """Every finding of both portals, as the report shows its evidence: labels only, the
    crawler's own words (kind, tag, attr, method) left out, each language's reason alone."""
    named = {evidence_label(key, lang) for key in EVIDENCE_LABELS}
    for path in GOLDEN:
        for finding in json.loads(path.read_text(encoding="utf-8"))["findings"]:
            shown = evidence_lines(finding["evidence"], lang)
            labels = [label for label, _ in shown]
            assert set(labels) <= named, labels
            assert not {"kind", "tag", "attr", "method", "reason_en"} & set(labels)
            if lang == "zh":
                assert all(CJK.search(label) for label in labels), labels


def test_a_failure_the_code_names_needs_no_library_message():
    timeout = {"error": "timeout", "error_detail": "Getting http://a/ took longer than 2.0 s"}
    assert evidence_lines(timeout) == [("错误类型", "超时")]
    tls = {"error": "tls_error", "error_detail": "certificate has expired"}
    assert evidence_lines(tls) == [("错误类型", "证书错误"), ("错误", "certificate has expired")]


def test_redirect_hops_read_in_order_once_each():
    loop = ["https://a/loop/a", "https://a/loop/b", "https://a/loop/a", "https://a/loop/b"]
    assert evidence_lines({"redirects": loop}) == [
        ("重定向", "https://a/loop/a → https://a/loop/b")
    ]


def test_values_read_as_words():
    shown = dict(evidence_lines({
        "error": "dns_error", "upgradable": False, "kind": "image", "tag": "img",
        "reason": "预算信息放在工作动态栏目", "reason_en": "a budget item in a news column",
        "missing": {"keywords": 3, "description": 2}, "how": "display_none",
    }))  # fmt: skip
    assert shown == {
        "错误类型": "域名无法解析",
        "可改为 HTTPS": "否",
        "原因": "预算信息放在工作动态栏目",
        "缺少": "keywords：3，description：2",
        "隐藏方式": "样式隐藏（display:none）",
    }
    english = dict(evidence_lines({"reason": "预算信息", "reason_en": "a budget item",
                                   "serious": True}, "en"))  # fmt: skip
    assert english == {"reason": "a budget item", "serious misstatement": "yes"}
