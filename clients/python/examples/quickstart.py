"""Calls Omega's gateway the way an integration would: who am I, what is the server, which alerts
are there, then streams alerts until it has --alerts of them or --timeout passes. Every flag has an
environment variable; a failed call exits 1 naming it.

    OP=$PWD/.omega/operator   # at the repo root, with omega up running
    PYTHONPATH=clients/python python clients/python/examples/quickstart.py \\
      --address localhost:50051 --ca $OP/ca.pem --cert $OP/operator.pem --key $OP/operator-key.pem
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import grpc

from omega_client import connect
from omega_client.omega.v1 import (
    common_pb2,
    gateway_pb2,
    gateway_pb2_grpc,
    intelligence_pb2,
    intelligence_pb2_grpc,
)


def describe(alert: common_pb2.Alert) -> str:
    severity = common_pb2.Severity.Name(alert.severity)
    return f'{alert.id} {severity} {alert.rule_id} "{alert.title}"'


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="quickstart", description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument("--address", default=env("OMEGA_ADDRESS", "localhost:50051"),
                        help="gateway host:port ($OMEGA_ADDRESS)")
    parser.add_argument("--ca", default=env("OMEGA_CA"), help="trust CA bundle, PEM ($OMEGA_CA)")
    parser.add_argument("--cert", default=env("OMEGA_CERT"),
                        help="client certificate, PEM ($OMEGA_CERT)")
    parser.add_argument("--key", default=env("OMEGA_KEY"), help="client key, PEM ($OMEGA_KEY)")
    parser.add_argument("--token", default=env("OMEGA_TOKEN"),
                        help="bearer token from CreateToken ($OMEGA_TOKEN)")
    parser.add_argument("--alerts", type=int, default=1, help="stop streaming after this many alerts")
    parser.add_argument("--since", type=float, default=0,
                        help="stream retained alerts raised this many seconds ago, then new ones")
    parser.add_argument("--timeout", type=float, default=10, help="stop streaming after these seconds")
    args = parser.parse_args(argv)
    if args.alerts < 1:
        parser.error(f"--alerts: expected a positive number, got {args.alerts}")
    return args


def quickstart(args: argparse.Namespace) -> None:
    channel = connect(args.address, args.ca, args.cert, args.key, args.token)
    with channel:
        gateway = gateway_pb2_grpc.GatewayServiceStub(channel)
        intelligence = intelligence_pb2_grpc.IntelligenceServiceStub(channel)

        who = call(f"{args.address}: WhoAmI", gateway.WhoAmI, gateway_pb2.WhoAmIRequest())
        method = gateway_pb2.AuthMethod.Name(who.principal.auth_method)
        print(f"whoami: {who.principal.id} ({method})")

        info = call("GetServerInfo", gateway.GetServerInfo, gateway_pb2.GetServerInfoRequest())
        print(f"server: omega {info.version}, cluster {info.cluster}, trust domain {info.trust_domain}")
        for service in info.services:
            print(f"service: {service.name} {gateway_pb2.ServingStatus.Name(service.status)}")

        listed = call("IntelligenceService.ListAlerts", intelligence.ListAlerts,
                      intelligence_pb2.ListAlertsRequest(page_size=10))
        print(f"alerts: {len(listed.alerts)} listed")
        for alert in listed.alerts:
            print(f"alert: {describe(alert)}")

        request = intelligence_pb2.StreamAlertsRequest()
        if args.since > 0:
            request.start_time_ns = time.time_ns() - int(args.since * 1e9)
        stream = intelligence.StreamAlerts(request, timeout=args.timeout)
        received = 0
        try:
            for message in stream:
                received += 1
                print(f"streamed: {describe(message.alert)}", flush=True)
                if received >= args.alerts:
                    stream.cancel()
                    break
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                raise CallError(f"IntelligenceService.StreamAlerts: {failure(err)}") from err
            print(f"stream: {received} alert(s) before the {args.timeout:g}s timeout")
            return
        print(f"stream: {received} alert(s)")


class CallError(Exception):
    """A call the gateway refused or could not answer."""


def failure(err: grpc.RpcError) -> str:
    return f"{err.code().name}: {err.details()}"


def call(what, method, request):
    try:
        return method(request, timeout=30)
    except grpc.RpcError as err:
        raise CallError(f"{what}: {failure(err)}") from err


def main(argv: list[str]) -> int:
    args = arguments(argv)
    try:
        quickstart(args)
    except (CallError, ValueError) as err:
        print(f"quickstart: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
