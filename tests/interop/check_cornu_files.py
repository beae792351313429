"""Keras judges files Cornu wrote (directions 1 and 4, and the second half of the round trips).

Usage: check_cornu_files.py CASES_DIR [--resave]

Each subfolder of CASES_DIR is a case: model.h5 and/or model.keras (also any other *.h5 / *.keras), input_0.npy...,
expected_0.npy... (Cornu's predictions on those inputs) and optionally compile.json (the compile settings the
files must carry: {} for an uncompiled model; absent: not checked). Each file is loaded with
keras.saving.load_model(compile=True); its predictions must match at relative 1e-5 (oracle_common.compare_arrays).
With --resave, Keras saves every model it loaded again as keras_<name>.keras and keras_<name>.h5 in the case
folder, for Cornu to read back (Cornu -> Keras -> Cornu), with its count_params in keras_<name>.json.

Prints one JSON line per case: {"case", "ok", "files": {file: {"ok", "max_abs_err", "max_rel_err", "error",
"compile_problems", "count_params"}}}."""
import json
import os
import sys
import warnings

from oracle_common import (check_compile, compare_arrays, emit, failure_text, hello, keras, numbered, predict)


def check_file(folder, filename, inputs, expected, compile_expected, resave):
    path = os.path.join(folder, filename)
    result = {"ok": False}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = keras.saving.load_model(path, compile=True)
    except Exception as exc:  # noqa: BLE001 - the message is the finding
        result["error"] = "load_model: " + failure_text(exc)
        return result
    result["count_params"] = int(model.count_params())
    try:
        got = predict(model, inputs)
    except Exception as exc:  # noqa: BLE001
        result["error"] = "predict: " + failure_text(exc)
        return result
    if len(got) != len(expected):
        result["error"] = f"{len(got)} outputs, Cornu predicted {len(expected)}"
        return result
    ok = True
    for i, (g, e) in enumerate(zip(got, expected)):
        out_ok, stats = compare_arrays(g, e)
        ok &= out_ok
        if "error" in stats:
            result["error"] = f"output {i}: {stats['error']}"
        for key in ("max_abs_err", "max_rel_err"):
            if key in stats:
                result[key] = max(result.get(key, 0.0), stats[key])
        if not out_ok and "error" not in stats:
            result.setdefault("error", f"output {i}: Keras {stats['worst_got']} vs Cornu {stats['worst_expected']} "
                                       f"at {stats['worst_index']}")
    if compile_expected is not None:
        problems = check_compile(model, compile_expected)
        if problems:
            result["compile_problems"] = problems
            ok = False
    if resave:
        stem = os.path.splitext(filename)[0]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for ext in (".keras", ".h5"):
                    model.save(os.path.join(folder, f"keras_{stem}{ext}"))
            with open(os.path.join(folder, f"keras_{stem}.json"), "w") as f:
                json.dump({"count_params": int(model.count_params())}, f)
        except Exception as exc:  # noqa: BLE001
            result["error"] = "re-save: " + failure_text(exc)
            ok = False
    result["ok"] = bool(ok)
    return result


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    resave = "--resave" in sys.argv
    hello("check_cornu_files")
    root = args[0]
    for case in sorted(os.listdir(root)):
        folder = os.path.join(root, case)
        if not os.path.isdir(folder):
            continue
        inputs, expected = numbered(folder, "input"), numbered(folder, "expected")
        compile_path = os.path.join(folder, "compile.json")
        compile_expected = json.load(open(compile_path)) if os.path.exists(compile_path) else None
        files = sorted(f for f in os.listdir(folder)
                       if f.endswith((".h5", ".keras")) and not f.startswith("keras_"))
        report = {"case": case, "files": {}}
        if not files:
            report["error"] = "no .h5 or .keras file in the case folder"
        for filename in files:
            keras.backend.clear_session()
            report["files"][filename] = check_file(folder, filename, inputs, expected, compile_expected, resave)
        report["ok"] = bool(files) and all(r["ok"] for r in report["files"].values())
        emit(report)


if __name__ == "__main__":
    main()
