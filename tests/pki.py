"""A real test PKI, served over HTTP: a root and an intermediate CA, an OCSP responder,
CRL repositories and an RFC 3161 timestamp authority, made with certomancer (the tool
pyHanko itself is tested with) and served by its Animator on a free local port.

Keys are made fresh for each test session; the certificates carry the server's own
URLs (CRL distribution points, OCSP in the authority information access), so a signer
that fetches revocation data talks to this server, as it would to a real CA.

Certificates:
- ``root`` (self-signed), ``interm`` (issued by root, OCSP and CRL), ``tsa`` (issued by
  root, for time stamping), ``interm-ocsp`` (the OCSP responder's);
- ``signer``: a municipality's signing certificate issued by the intermediate CA, valid
  around today; ``revoked``: the same, revoked by its CA.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertomancerConfig
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server

ARCH = "testing-ca"
KEYS = ("root", "interm", "interm-ocsp", "tsa", "signer", "revoked")
VALID_FROM = "2025-01-01T00:00:00+0000"
VALID_TO = "2031-01-01T00:00:00+0000"
PASSWORD = "pkcs12-secret"


def _keys(directory: Path) -> dict[str, dict[str, str]]:
    found = {}
    for label in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        (directory / f"{label}.key.pem").write_bytes(pem)
        found[label] = {"path": f"{label}.key.pem"}
    return found


def _config(url: str, directory: Path) -> dict[str, Any]:
    validity = {"valid-from": VALID_FROM, "valid-to": VALID_TO}
    signer = {
        "issuer": "interm",
        "validity": validity,
        "profiles": ["digsig-commitment"],
    }
    return {
        "external-url-prefix": url,
        "keysets": {ARCH: {"keys": _keys(directory)}},
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "NL", "organization-name": "Test PKI"},
                "entities": {
                    "root": {"common-name": "Test Root CA"},
                    "interm": {"common-name": "Test Intermediate CA"},
                    "interm-ocsp": {"common-name": "Test OCSP responder"},
                    "tsa": {"common-name": "Test Time Stamping Authority"},
                    "signer": {
                        "organization-name": "Gemeente Utrecht",
                        "common-name": "Gemeente Utrecht",
                    },
                    "revoked": {
                        "organization-name": "Gemeente Oud",
                        "common-name": "Gemeente Oud",
                    },
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "issuer": "root",
                        "validity": validity,
                        "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": validity,
                        "profiles": [
                            {
                                "id": "simple-ca",
                                "params": {
                                    "max-path-len": 0,
                                    "crl-repo": "interm",
                                    "ocsp-service": "interm",
                                },
                            }
                        ],
                    },
                    "interm-ocsp": {
                        "issuer": "interm",
                        "validity": validity,
                        "profiles": ["ocsp-responder"],
                    },
                    "tsa": {
                        "issuer": "root",
                        "validity": validity,
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {
                                    "schema": "key-usage",
                                    "params": ["digital_signature"],
                                },
                            },
                            {
                                "id": "extended_key_usage",
                                "critical": True,
                                "value": ["time_stamping"],
                            },
                            {
                                "id": "crl_distribution_points",
                                "smart-value": {
                                    "schema": "crl-dist-url",
                                    "params": {"crl-repo-names": ["root"]},
                                },
                            },
                        ],
                    },
                    "signer": signer,
                    "revoked": {
                        **signer,
                        "revocation": {
                            "revoked-since": "2026-01-01T00:00:00+0000",
                            "reason": "key_compromise",
                        },
                    },
                },
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P30D",
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


@dataclass
class TestPki:
    url: str
    config: CertomancerConfig
    directory: Path
    server: Any

    @property
    def arch(self) -> Any:
        return self.config.pki_archs[ARCH]

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def der(self, label: str) -> bytes:
        return bytes(self.arch.get_cert(label).dump())

    def root_pem_file(self) -> Path:
        """The root as a PEM bundle, as an operator would give it (PDF_TRUST_ROOTS)."""
        path = self.directory / "roots.pem"
        path.write_bytes(_pem(self.der("root")))
        return path

    def pkcs12(self, label: str = "signer") -> bytes:
        """The certificate, its key and its chain to the root, as a CA hands them out."""
        return bytes(self.arch.package_pkcs12(label, password=PASSWORD.encode()))

    def stop(self) -> None:
        self.server.shutdown()


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def start(directory: Path) -> TestPki:
    holder: list[Any] = []

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        return holder[0](environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    config_dict = _config(url, directory)
    (directory / "certomancer.yml").write_text(yaml.safe_dump(config_dict))
    config = CertomancerConfig(config_dict, key_search_dir=str(directory))
    holder.append(Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return TestPki(url, config, directory, server)


def running(directory: Path) -> Iterator[TestPki]:
    pki = start(directory)
    try:
        yield pki
    finally:
        pki.stop()
