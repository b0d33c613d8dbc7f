"""The demo portal's certificates (证书): one demo CA and three server certificates.

- ``*.example.gov.cn`` + ``example.gov.cn``, issued by the demo CA, expiring
  :data:`PORTAL_CERT_DAYS` days from now: the portal's one planted ``tls_certificate``
  finding (证书即将过期); every page still loads, so the crawl goes on.
- ``www.example-partner.cn``, issued by the demo CA, valid for a year: a healthy external site.
- ``selfsigned.example-partner.cn``, self-signed (not from the demo CA): a TLS failure for
  anyone who trusts only the demo CA, so links to it are broken (``tls_error``).

The CA is written to ``ca.pem`` so a site profile can trust it as an extra CA (``tls.ca_file``).
"""

from __future__ import annotations

import datetime as dt
import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PORTAL_CERT_DAYS = 20
PARTNER_CERT_DAYS = 365

PORTAL_DOMAIN = "example.gov.cn"
PARTNER_HOST = "www.example-partner.cn"
SELFSIGNED_HOST = "selfsigned.example-partner.cn"


@dataclass(frozen=True)
class DemoCertificates:
    """The CA file on disk and one server ``SSLContext`` per certificate."""

    ca_pem_path: Path
    portal: ssl.SSLContext
    partner: ssl.SSLContext
    selfsigned: ssl.SSLContext

    def context_for(self, server_name: str | None) -> ssl.SSLContext:
        """The context whose certificate a client asking for ``server_name`` (SNI) is shown.

        A client that sends no SNI (connecting by IP address) gets the portal certificate.
        """
        name = (server_name or "").lower()
        if name == PARTNER_HOST:
            return self.partner
        if name == SELFSIGNED_HOST:
            return self.selfsigned
        return self.portal


def mint_certificates(work_dir: Path, now: dt.datetime | None = None) -> DemoCertificates:
    """Create the demo CA and server certificates, writing the CA to ``work_dir/ca.pem``."""
    now = now or dt.datetime.now(dt.UTC)
    ca = trustme.CA(organization_name="Xuncha demo CA (演示)")
    ca_pem_path = work_dir / "ca.pem"
    ca.cert_pem.write_to_path(ca_pem_path)
    portal = ca.issue_cert(
        f"*.{PORTAL_DOMAIN}",
        PORTAL_DOMAIN,
        organization_name="辽源市交通运输局（演示）",
        not_before=now - dt.timedelta(days=345),
        not_after=now + dt.timedelta(days=PORTAL_CERT_DAYS),
    )
    partner = ca.issue_cert(
        PARTNER_HOST,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=PARTNER_CERT_DAYS),
    )
    return DemoCertificates(
        ca_pem_path=ca_pem_path,
        portal=_server_context(portal),
        partner=_server_context(partner),
        selfsigned=_server_context(_self_signed(SELFSIGNED_HOST, now)),
    )


def _server_context(leaf: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    return context


def _self_signed(host: str, now: dt.datetime) -> trustme.LeafCert:
    """A leaf certificate signed by its own key, as a careless web host would install."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=PARTNER_CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return trustme.LeafCert(key_pem, cert.public_bytes(serialization.Encoding.PEM), [])
