#!/usr/bin/env python3
"""Loads module files saved by LogiLlm for .NET with Python LogiLLM's own loader and checks what it reconstructed.

Usage: PYTHONPATH=<a checkout of mjbommar/logillm at v0.2.17> python3 load_in_python_logillm.py FILE_OR_DIR...

Python LogiLLM is not on this machine's package index (no PyPI), so this is a manual check against a source checkout,
not part of ./test.sh. For every file it prints one line; it exits 1 if any file fails to load in Python or if what
Python rebuilt (signature fields, instructions, demos with their inputs/outputs/score/source, max_demos, config,
metadata) differs from what the file holds.
"""
import json
import sys
import warnings
from pathlib import Path

from logillm.core.persistence import ModuleLoader


def field_names(fields):
    return sorted(fields.keys()) if isinstance(fields, dict) else sorted(f["name"] for f in fields)


def check(path: Path) -> list[str]:
    saved = json.loads(path.read_text(encoding="utf-8"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = ModuleLoader.load_module(str(path))
    problems = []
    signature = saved.get("signature") or {}
    if signature:
        if sorted(module.signature.input_fields) != field_names(signature.get("input_fields", {})):
            problems.append("input fields differ")
        if sorted(module.signature.output_fields) != field_names(signature.get("output_fields", {})):
            problems.append("output fields differ")
        if (module.signature.instructions or None) != (signature.get("instructions") or None):
            problems.append("instructions differ")
    manager = saved.get("demo_manager")
    if manager is not None:
        demos = module.demo_manager.demos
        if len(demos) != len(manager.get("demos", [])):
            problems.append(f"{len(demos)} demos loaded, {len(manager.get('demos', []))} saved")
        for loaded, written in zip(demos, manager.get("demos", [])):
            if loaded.inputs != written["inputs"] or loaded.outputs != written["outputs"]:
                problems.append("a demo's inputs or outputs differ")
                break
            if loaded.score != written.get("score", 1.0) or loaded.source != written.get("source", "manual"):
                problems.append("a demo's score or source differs")
                break
        if module.demo_manager.max_demos != manager.get("max_demos", 5):
            problems.append("max_demos differs")
    for key in ("config", "metadata"):
        expected = saved.get(key) or {}
        actual = getattr(module, key)
        if any(actual.get(k) != v for k, v in expected.items()):
            problems.append(f"{key} differs")
    kinds = sorted({type(w.message).__name__ for w in caught})
    status = "FAIL " + "; ".join(problems) if problems else "ok"
    print(f"{path.name}: {status} ({type(module).__name__}, "
          f"{len(module.demo_manager.demos)} demos, warnings: {', '.join(kinds) or 'none'})")
    return problems


def main(arguments: list[str]) -> int:
    files = [f for a in arguments for f in (sorted(Path(a).glob("*.json")) if Path(a).is_dir() else [Path(a)])]
    failed = unsupported = 0
    for file in files:
        try:
            failed += bool(check(file))
        except Exception as error:  # the point is to report any failure of the Python loader, whatever its type
            if str(error).startswith("Unsupported module type"):
                # Python LogiLLM 0.2.17's loader rebuilds Predict only: its own ChainOfThought files fail the same way.
                unsupported += 1
                print(f"{file.name}: not loadable by this Python version ({error}), as its own files of that type")
                continue
            failed += 1
            print(f"{file.name}: FAIL {type(error).__name__}: {error}")
    loaded = len(files) - failed - unsupported
    print(f"{loaded} of {len(files)} loaded in Python LogiLLM and matched; {unsupported} of a type it cannot load; "
          f"{failed} failed")
    return 1 if failed or not loaded else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
