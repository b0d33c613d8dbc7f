"""Certificate inspection: real HTTPS servers on loopback with trustme certificates.

The crawl must get every response whatever the certificate, and the inspector must report
each (host, port) as a browser would judge it; a failed handshake must reach the errback
recognisably as TLS and must not be retried.
"""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from netlab import Reply, run_crawl, serve
from OpenSSL import crypto

from crawler.network.tls import CertificateReport, TlsInspector

NOW = dt.datetime.now(dt.UTC)
ROUTES = {"/": [Reply(200)]}


def _self_signed(name: str, directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _server_context(leaf: trustme.LeafCert | tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    if isinstance(leaf, tuple):
        context.load_cert_chain(*leaf)
    else:
        leaf.configure_cert(context)
    return context


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    directory = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    ca_file = directory / "intranet-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return {
        "ca_file": ca_file,
        "good": ca.issue_cert("good.example.gov.cn"),
        "mismatch": ca.issue_cert("other.example.gov.cn"),
        "expired": ca.issue_cert(
            "old.example.gov.cn",
            not_before=NOW - dt.timedelta(days=60),
            not_after=NOW - dt.timedelta(days=1),
        ),
        "expiring": ca.issue_cert("soon.example.gov.cn", not_after=NOW + dt.timedelta(days=5)),
        "stranger": trustme.CA().issue_cert("stranger.example.gov.cn"),
        "self_signed": _self_signed("self.example.gov.cn", directory),
        "ip": ca.issue_cert("127.0.0.1"),
    }


# (id, host in the URL, certificate, trusted, OpenSSL's message, hostname_ok)
CASES = [
    ("trusted", "good.example.gov.cn", "good", True, None, True),
    ("hostname_mismatch", "mismatch.example.gov.cn", "mismatch", True, None, False),
    ("expired", "old.example.gov.cn", "expired", False, "certificate has expired", True),
    ("expiring", "soon.example.gov.cn", "expiring", True, None, True),
    (
        "unknown_ca",
        "stranger.example.gov.cn",
        "stranger",
        False,
        "unable to get local issuer certificate",
        True,
    ),
    ("self_signed", "self.example.gov.cn", "self_signed", False, "self-signed certificate", True),
    ("ip_literal", "127.0.0.1", "ip", True, None, True),
]


@pytest.fixture(scope="module")
def tls_crawl(pki, tmp_path_factory: pytest.TempPathFactory):
    with (
        serve(ROUTES) as plain,
        serve(ROUTES, _server_context(pki["good"])) as good,
        serve(ROUTES, _server_context(pki["mismatch"])) as mismatch,
        serve(ROUTES, _server_context(pki["expired"])) as expired,
        serve(ROUTES, _server_context(pki["expiring"])) as expiring,
        serve(ROUTES, _server_context(pki["stranger"])) as stranger,
        serve(ROUTES, _server_context(pki["self_signed"])) as self_signed,
        serve(ROUTES, _server_context(pki["ip"])) as ip,
    ):
        sites = {
            "good": good,
            "mismatch": mismatch,
            "expired": expired,
            "expiring": expiring,
            "stranger": stranger,
            "self_signed": self_signed,
            "ip": ip,
        }
        probes = {
            case_id: sites[cert].url("/", host=host, scheme="https")
            for case_id, host, cert, *_ in CASES
        }
        probes["not_tls"] = plain.url("/", scheme="https")
        hosts = {host: "127.0.0.1" for _id, host, *_ in CASES if host != "127.0.0.1"}
        settings = {
            "XUNCHA_HOSTS": hosts,
            "XUNCHA_START_URLS": ["https://good.example.gov.cn/"],
            "XUNCHA_TLS_CA_FILE": str(pki["ca_file"]),
        }
        guard_log = tmp_path_factory.mktemp("guard") / "violations.log"
        result = run_crawl(probes, settings, guard_log)
        yield result, sites, plain


@pytest.mark.parametrize(
    ("case_id", "host", "trusted", "verify_error", "hostname_ok"),
    [(c[0], c[1], c[3], c[4], c[5]) for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_every_certificate_is_reported_and_the_page_still_fetched(
    tls_crawl, case_id: str, host: str, trusted: bool, verify_error: str | None, hostname_ok: bool
) -> None:
    result, _sites, _plain = tls_crawl
    outcome = result.outcomes[case_id]
    assert (outcome["kind"], outcome["status"]) == ("response", 200)
    report = outcome["tls"]
    assert report is not None, "the report must exist when the callback runs"
    assert report["host"] == host
    assert (report["trusted"], report["verify_error"], report["hostname_ok"]) == (
        trusted,
        verify_error,
        hostname_ok,
    )
    assert result.guard_log == ""


def test_reports_carry_validity_and_names(tls_crawl) -> None:
    result, sites, _plain = tls_crawl
    by_host = {report["host"]: report for report in result.tls_reports}
    assert len(by_host) == len(CASES)
    soon = by_host["soon.example.gov.cn"]
    not_after = dt.datetime.fromisoformat(soon["not_after"])
    assert dt.timedelta(days=4) < not_after - NOW <= dt.timedelta(days=5)
    old = by_host["old.example.gov.cn"]
    assert dt.datetime.fromisoformat(old["not_after"]) < NOW
    assert by_host["good.example.gov.cn"]["port"] == sites["good"].port
    assert "trustme" in by_host["good.example.gov.cn"]["issuer"]
    assert by_host["self.example.gov.cn"]["subject"] == "CN=self.example.gov.cn"
    assert by_host["self.example.gov.cn"]["issuer"] == "CN=self.example.gov.cn"


def test_failed_handshake_reaches_the_errback_as_tls_and_is_not_retried(tls_crawl) -> None:
    result, _sites, plain = tls_crawl
    outcome = result.outcomes["not_tls"]
    assert outcome["kind"] == "failure"
    assert outcome["tls_failure"]  # OpenSSL's reason, e.g. "wrong version number"
    assert outcome["retry_times"] == 0
    assert plain.connections == 1
    assert result.stats["xuncha/retry/skipped/tls"] == 1
    assert "xuncha/retry/count" not in result.stats


# --- the inspector alone, on chains built in memory ------------------------------------------


def _chain(leaf: trustme.LeafCert) -> list[crypto.X509]:
    return [
        crypto.X509.from_cryptography(x509.load_pem_x509_certificate(pem.bytes()))
        for pem in leaf.cert_chain_pems
    ]


@pytest.mark.parametrize(
    ("with_ca_file", "trusted", "verify_error"),
    [(True, True, None), (False, False, "unable to get local issuer certificate")],
    ids=["intranet_ca_given", "system_store_only"],
)
def test_ca_file_extends_the_trust_store(
    pki, with_ca_file: bool, trusted: bool, verify_error: str | None
) -> None:
    inspector = TlsInspector(str(pki["ca_file"]) if with_ca_file else None)
    report = inspector.inspect("good.example.gov.cn", 8443, _chain(pki["good"]))
    assert (report.trusted, report.verify_error, report.hostname_ok) == (
        trusted,
        verify_error,
        True,
    )
    assert inspector.report_for("GOOD.example.gov.cn", 8443) is report
    assert inspector.report_for_url("https://good.example.gov.cn:8443/x") is report
    assert inspector.report_for_url("http://good.example.gov.cn:8443/x") is None
    assert inspector.report_for("good.example.gov.cn") is None


def test_report_ok_and_expiry_window() -> None:
    report = CertificateReport(
        host="a.example.gov.cn",
        port=443,
        trusted=True,
        verify_error=None,
        hostname_ok=False,
        not_before=NOW - dt.timedelta(days=10),
        not_after=NOW + dt.timedelta(days=20),
        subject="CN=b.example.gov.cn",
        issuer="CN=CA",
    )
    assert report.ok is False
    assert report.expires_within(30, NOW) is True
    assert report.expires_within(10, NOW) is False
