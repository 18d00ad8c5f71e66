"""chromadb imported and opened without the overrides checks and the gRPC span exporter
(index/store/chroma_startup.py): only inside the block, and undone after it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from index.store.chroma_startup import _OTLP_EXPORTER, lean_chromadb_import

overrides = pytest.importorskip("overrides")


def _subclass_overriding_nothing(override):
    class Base:
        pass

    class Child(Base):
        @override
        def method(self):  # Base has no `method`: the real decorator refuses this
            return 1

    return Child


def test_override_only_marks_inside_the_block_and_checks_again_after():
    with lean_chromadb_import():
        child = _subclass_overriding_nothing(overrides.override)
        assert child.method.__override__ is True and child().method() == 1
        assert overrides.override(check_signature=False) is not None  # the called form still decorates
    with pytest.raises(TypeError, match="No super class method found"):
        _subclass_overriding_nothing(overrides.override)


def test_the_real_decorator_is_back_when_the_block_fails():
    real = overrides.override
    with pytest.raises(RuntimeError), lean_chromadb_import():
        raise RuntimeError("open failed")
    assert overrides.override is real


def test_opening_a_store_loads_no_grpc_and_leaves_no_stand_in(tmp_path):
    code = ("import sys, overrides\nfrom index.store.chroma import ClauseStore\n"
            f"store = ClauseStore({str(tmp_path)!r})\nstore.create('clauses')\n"
            "print(store.collection_names(), [m for m in ('grpc', 'google.protobuf') if m in sys.modules],"
            f" {_OTLP_EXPORTER!r} in sys.modules, overrides.override.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['clauses'] [] False overrides.overrides"


def test_an_exporter_made_inside_the_block_is_the_real_one():
    """chromadb makes one while its client opens when tracing is configured (chroma_otel_*)."""
    code = ("import sys\nfrom index.store.chroma_startup import lean_chromadb_import\n"
            "with lean_chromadb_import():\n"
            f"    from {_OTLP_EXPORTER} import OTLPSpanExporter\n"
            "    exporter = OTLPSpanExporter(endpoint='http://127.0.0.1:9', insecure=True)\n"
            f"print(type(exporter).__module__, {_OTLP_EXPORTER!r} in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"{_OTLP_EXPORTER} True"
