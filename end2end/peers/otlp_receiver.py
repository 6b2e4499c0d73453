#!/usr/bin/env python3
"""An OTLP/HTTP trace receiver for tests: what a collector's `otlphttp`
receiver accepts, decoded with the OpenTelemetry project's own protobuf
definitions (PyPI `opentelemetry-proto`).

  POST /v1/traces  (application/x-protobuf, ExportTraceServiceRequest)
                   -> 200, an empty ExportTraceServiceResponse

Every span received is printed on stdout as one JSON line:
  {"service": <resource service.name>, "name": <span name>,
   "trace_id": <hex>, "attributes": {<key>: <string value>}}

Binds 127.0.0.1 only. Prints `READY <port>` (flushed) once listening;
`--port 0` picks a free port.
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

HOST = "127.0.0.1"
MAX_BODY = 16 * 1024 * 1024


def value_text(any_value) -> str:
    kind = any_value.WhichOneof("value")
    return "" if kind is None else str(getattr(any_value, kind))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "otlp-receiver/1"

    def log_message(self, fmt, *args):  # stdout is for spans only
        sys.stderr.write("otlp_receiver: " + (fmt % args) + "\n")

    def _answer(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if self.path != "/v1/traces" or not 0 < length <= MAX_BODY:
            self._answer(404 if self.path != "/v1/traces" else 400, "text/plain", b"no")
            return
        request = ExportTraceServiceRequest()
        try:
            request.ParseFromString(self.rfile.read(length))
        except Exception as e:  # a malformed body is the client's bug: say so
            self._answer(400, "text/plain", str(e).encode())
            return
        for resource_spans in request.resource_spans:
            resource = {a.key: value_text(a.value) for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    line = {
                        "service": resource.get("service.name"),
                        "name": span.name,
                        "trace_id": span.trace_id.hex(),
                        "attributes": {a.key: value_text(a.value) for a in span.attributes},
                    }
                    print(json.dumps(line), flush=True)
        self._answer(
            200,
            "application/x-protobuf",
            ExportTraceServiceResponse().SerializeToString(),
        )


class Server(ThreadingHTTPServer):
    daemon_threads = True


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    httpd = Server((HOST, args.port), Handler)
    print(f"READY {httpd.server_address[1]}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
