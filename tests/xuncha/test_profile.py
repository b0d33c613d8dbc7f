"""Profiles: defaults from the standards, and one clear line for every kind of bad input."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from xuncha.cli import cli, main
from xuncha.errors import ProfileError
from xuncha.profile import load_profile, profile_for_url, registrable_domain

GOOD = """\
name: 辽源市交通运输局
start_urls:
  - https://jtj.example.gov.cn/
columns:
  - name: 通知公告
    url: https://xxgk.example.gov.cn/tzgg/
    unit: 办公室
politeness:
  concurrent_per_host: 2
network:
  hosts:
    JTJ.example.gov.cn: 127.0.0.1
"""


def test_good_profile_loads_with_defaults(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(GOOD, encoding="utf-8")
    profile = load_profile(path)
    assert profile.display_name == "辽源市交通运输局"
    assert profile.scope_domains == ["example.gov.cn"]
    assert profile.politeness.concurrent_per_host == 2
    assert profile.politeness.obey_robots is False
    assert profile.timeouts.request == 20
    assert profile.tls.expiry_warning_days == 30
    assert profile.network.hosts == {"jtj.example.gov.cn": "127.0.0.1"}
    assert profile.column_unit("通知公告", None) == "办公室"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: a\nstart_urls: [http://x.gov.cn/]\npoliteness:\n  delay: fast\n",
            ":4: politeness.delay:",
        ),
        (
            "name: a\nstart_urls: [http://x.gov.cn/]\npoliteness:\n  speed: 3\n",
            ":4: politeness.speed: unknown key",
        ),
        ("name: a\nstart_urls: [\n", "YAML syntax error"),
        ("name: a\n", ":1: start_urls: required key is missing"),
        ("start_urls: [ftp://a.gov.cn/]\n", "start_urls: not an http(s) URL"),
        ("start_urls: [http://a.gov.cn/]\nnetwork:\n  allow: [10.0.0.0/33]\n", ":3: network.allow"),
        (
            "start_urls: [http://a.gov.cn/]\ncolumns:\n  - name: x\n"
            "    url: http://a.gov.cn/x/\n    unitt: y\n",
            ":5: columns.0.unitt: unknown key",
        ),
        ("- just\n- a list\n", "a profile is a mapping"),
        (
            "start_urls: [http://a.gov.cn/]\ntls:\n  ca_file: missing.pem\n",
            ":3: tls.ca_file: no such file",
        ),
    ],
    ids=[
        "wrong-type",
        "unknown-key",
        "yaml-syntax",
        "missing-key",
        "bad-url",
        "bad-cidr",
        "nested-unknown-key",
        "not-a-mapping",
        "missing-ca-file",
    ],
)
def test_bad_profile_names_file_line_and_key(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_cli_bad_profile_is_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("start_urls: [http://a.gov.cn/]\npoliteness:\n  speed: 3\n", encoding="utf-8")
    db = tmp_path / "x.db"
    monkeypatch.setattr(
        "sys.argv",
        [
            "xuncha",
            "run",
            "--profile",
            str(path),
            "--db",
            f"sqlite:///{db}",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "politeness.speed: unknown key" in err
    assert "Traceback" not in err
    assert not db.exists()
    assert not (tmp_path / "out").exists()


def test_run_needs_exactly_one_source():
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2
    assert "--url URL or --profile FILE" in result.output


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://jtj.example.gov.cn/zwgk/", "example.gov.cn"),
        ("xxgk.example.gov.cn", "example.gov.cn"),
        ("http://www.liaoyuan.gov.cn/", "liaoyuan.gov.cn"),
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("https://www.example-partner.cn/a", "example-partner.cn"),
    ],
    ids=["gov-cn-subdomain", "bare-host", "city", "ip", "com-cn-like"],
)
def test_registrable_domain_is_public_suffix_aware(value, domain):
    assert registrable_domain(value) == domain


def test_profile_for_url_rejects_non_http():
    with pytest.raises(ProfileError, match="not an http"):
        profile_for_url("file:///etc/passwd")


def test_unknown_rule_pack_fails_at_load(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(
        "start_urls: [http://a.gov.cn/]\nchecks:\n  mandatory:\n    packs: [no_such_pack]\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="no_such_pack"):
        load_profile(path)


def test_unknown_column_kind_is_a_profile_error(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(
        "start_urls: [http://a.gov.cn/]\nchecks:\n  freshness:\n    kinds: {通知公告: weekly}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=":4: checks.freshness.kinds"):
        load_profile(path)


def _field_names(model) -> set[str]:
    names = set()
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        names.add(name)
        annotation = info.annotation
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            names |= _field_names(annotation)
    return names


def test_every_profile_key_is_documented():
    from pathlib import Path

    from xuncha.profile import Profile

    doc = (Path(__file__).resolve().parents[2] / "docs" / "profile.md").read_text(encoding="utf-8")
    missing = sorted(name for name in _field_names(Profile) if f"{name}:" not in doc)
    assert missing == []


def test_documented_example_profile_is_valid(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("XXGK_PASSWORD", "from-the-environment")  # auth.password_env names it

    doc = (Path(__file__).resolve().parents[2] / "docs" / "profile.md").read_text(encoding="utf-8")
    example = doc.split("```yaml", 1)[1].split("```", 1)[0].replace("ca_file: null", "ca_file:")
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    profile = load_profile(path)
    assert profile.checks.freshness.kinds == {"图片新闻": "dynamic"}
    assert profile.checks.wording.extra[0].right == "辽源市交通运输局"
    assert profile.credentials()["xxgk.example.gov.cn"].password == "from-the-environment"
    assert "from-the-environment" not in str(profile.model_dump(mode="json"))
