"""Importing chromadb and opening its client without two costs no reader uses (index/store/chroma.py,
the one module that imports chromadb, does both inside `lean_chromadb_import`).

Measured on a cold `policyqa ask` (2 cores, 2026-12-01, CPU time of the process):
- chromadb marks about 200 methods `@override` (the overrides package), and each is checked
  against its base class as the class is made, by disassembling the defining module's bytecode up
  to that line: 0.3–0.5 s of the import and the client open. The checks guard chromadb's own
  source: they pass or raise, and a passing check changes nothing but a missing docstring. In
  the block `override` only marks the method (`__override__`, which EnforceOverrides reads), as
  a passing check does.
- chromadb.telemetry.opentelemetry imports the OTLP gRPC span exporter (grpc, protobuf) at import
  time, for tracing that runs only when a chroma_otel_* setting asks for it: about 0.17 s. In
  the block the exporter's module is a stand-in whose OTLPSpanExporter imports the real one
  when it is first made.
Both are undone when the block ends: what is imported later gets the real decorator and module.
"""
from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager

_OTLP_EXPORTER = "opentelemetry.exporter.otlp.proto.grpc.trace_exporter"
_LOCK = threading.Lock()  # the decorator and sys.modules are process-wide


def _marked(method=None, *, check_signature: bool = True, check_at_runtime: bool = False):
    if method is None:  # @override(check_signature=False)
        return _marked
    method.__override__ = True
    return method


def _deferred_exporter(*args, **kwargs):
    """OTLPSpanExporter, imported when chromadb first makes one (tracing configured)."""
    if getattr(sys.modules.get(_OTLP_EXPORTER), "_stand_in", False):
        del sys.modules[_OTLP_EXPORTER]  # made while the block runs: the real module, not the stand-in
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(*args, **kwargs)


@contextmanager
def lean_chromadb_import() -> Iterator[None]:
    import overrides

    with _LOCK:
        real = overrides.override, overrides.overrides
        stand_in = None
        if _OTLP_EXPORTER not in sys.modules:
            stand_in = types.ModuleType(_OTLP_EXPORTER, "Stand-in while chromadb imports (index/store/chroma_startup.py).")
            stand_in.OTLPSpanExporter = _deferred_exporter
            stand_in._stand_in = True
            sys.modules[_OTLP_EXPORTER] = stand_in
        overrides.override = overrides.overrides = _marked
        try:
            yield
        finally:
            overrides.override, overrides.overrides = real
            if stand_in is not None and sys.modules.get(_OTLP_EXPORTER) is stand_in:
                del sys.modules[_OTLP_EXPORTER]
