"""Dials Omega's gateway: TLS verified against the trust CA bundle, a client certificate for mutual
TLS, and optionally a bearer token. The messages and stubs are in omega_client.omega.v1
(e.g. ``from omega_client.omega.v1 import gateway_pb2, gateway_pb2_grpc``)."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import grpc

__all__ = ["connect", "channel_credentials"]


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise ValueError(f"omega_client: {what} {path}: {err.strerror}") from err


def channel_credentials(
    ca_file: Optional[str],
    cert_file: Optional[str] = None,
    key_file: Optional[str] = None,
    token: Optional[str] = None,
) -> grpc.ChannelCredentials:
    """TLS credentials for the gateway: the server verified against ``ca_file`` (PEM; None means
    the system roots), ``cert_file``/``key_file`` (PEM, both or neither) as the client certificate,
    and ``token`` sent as ``authorization: Bearer <token>`` on every call (gRPC sends call
    credentials over TLS only)."""
    if (cert_file is None) != (key_file is None):
        raise ValueError("omega_client: a client certificate needs both cert_file and key_file")
    root = _read(ca_file, "CA bundle") if ca_file else None
    key = _read(key_file, "client key") if key_file else None
    chain = _read(cert_file, "client certificate") if cert_file else None
    credentials = grpc.ssl_channel_credentials(
        root_certificates=root, private_key=key, certificate_chain=chain
    )
    if token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(token)
        )
    return credentials


def connect(
    address: str,
    ca_file: Optional[str],
    cert_file: Optional[str] = None,
    key_file: Optional[str] = None,
    token: Optional[str] = None,
    options: Sequence[Tuple[str, object]] = (),
) -> grpc.Channel:
    """A channel to the gateway at ``address`` ("host:port"), whose certificate must name the host
    dialled (on a local stack: localhost, 127.0.0.1 or ::1). Connecting is lazy: a refused
    handshake is reported by the first call."""
    return grpc.secure_channel(
        address, channel_credentials(ca_file, cert_file, key_file, token), options=list(options)
    )
