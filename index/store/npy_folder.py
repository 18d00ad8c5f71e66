"""A segment on disk: one .npy file per array (memory-mapped when read) and the document ids
as JSON, written beside the final folder and renamed into place, so a folder that exists is
complete. Shared by the keyword segments and the sentence-vector segments."""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np


def save_arrays(folder: Path, arrays: Mapping[str, np.ndarray], doc_ids: Sequence[str]) -> None:
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for key, array in arrays.items():
        np.save(tmp / f"{key}.npy", array)
    (tmp / "doc_ids.json").write_text(json.dumps(list(doc_ids), ensure_ascii=False), encoding="utf-8")
    try:
        tmp.rename(folder)
    except OSError:  # another process put the same (immutable) segment there first
        shutil.rmtree(tmp, ignore_errors=True)


def load_arrays(folder: Path, keys: Sequence[str], mmap: bool = True) -> tuple[dict[str, np.ndarray], list[str]]:
    arrays = {key: np.load(folder / f"{key}.npy", mmap_mode="r" if mmap else None) for key in keys}
    return arrays, json.loads((folder / "doc_ids.json").read_text(encoding="utf-8"))
