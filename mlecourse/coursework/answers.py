"""Moving a student's answers out of their kernel as plain data.

The grader never evaluates anything in the student's kernel and never
unpickles anything from it. After an exercise cell runs, a small capture cell
(:func:`capture_source`) writes the exercise's answer variables to a JSON file
in a tagged form (``{"t": "float", "v": 0.35}``). The grader reads that file
with :func:`decode_file`, which accepts only the tagged forms below and builds
plain ``bool``, ``int``, ``float``, ``str``, ``None``, ``list``, ``tuple``,
``dict`` and numeric ``numpy.ndarray`` values from them. Anything else in the
file (a forged or malformed entry) becomes an :class:`Unreadable` marker, never
an object the student defined: the hidden tests only ever see plain values.

Tagged forms::

    {"t": "none"} {"t": "ellipsis"} {"t": "bool", "v": true} {"t": "int", "v": 3}
    {"t": "float", "v": 0.5} {"t": "str", "v": "b"} {"t": "list", "items": [...]}
    {"t": "tuple", "items": [...]} {"t": "dict", "items": [[key, value], ...]}
    {"t": "array", "dtype": "f" | "i" | "b", "shape": [2, 3], "data": [...]}
    {"t": "unsupported", "type": "module.Class"} {"t": "missing"}
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass

import numpy as np

#: Largest capture file the grader reads, in bytes.
MAX_FILE_BYTES = 2_000_000
#: Largest number of elements in one array or container.
MAX_ITEMS = 100_000
#: Deepest nesting of containers.
MAX_DEPTH = 20
#: Longest string.
MAX_STR = 10_000


@dataclass(frozen=True)
class Missing:
    """The variable was not defined in the student's kernel."""

    name: str


@dataclass(frozen=True)
class Unanswered:
    """The variable still holds ``...`` (the stub), or contains it."""

    name: str


@dataclass(frozen=True)
class Unreadable:
    """The value is of a type the grader does not read, or the data were malformed."""

    name: str
    reason: str


# The source of the capture cell's body. It runs in the student's kernel, in
# a fresh namespace, with NAMES (variable names), USER_NS (the notebook's
# globals) and PATH (the file to write) given. It converts only values of
# exact built-in or NumPy types; everything else is recorded as "unsupported".
# It is a convenience for honest notebooks: whatever it writes is validated
# again by decode_file in the grader, so a tampered copy gains nothing.
_CAPTURE_BODY = r'''
# Exact types taken from literals, so that a notebook that replaced builtins.float
# and the like does not confuse the capture of its own honest values.
_type = (0).__class__.__class__
_bool, _int, _float, _str = True.__class__, (0).__class__, (0.5).__class__, "".__class__
_list, _tuple, _dict = [].__class__, ().__class__, {}.__class__


def _encode(x, depth):
    if depth > MAX_DEPTH:
        return {"t": "unsupported", "type": "nesting deeper than %d" % MAX_DEPTH}
    t = _type(x)
    if x is None:
        return {"t": "none"}
    if x is Ellipsis:
        return {"t": "ellipsis"}
    if t is _bool:
        return {"t": "bool", "v": x}
    if t is _int:
        return {"t": "int", "v": x}
    if t is _float:
        return {"t": "float", "v": x}
    if t is _str:
        return {"t": "str", "v": x[:MAX_STR]}
    if t is _list or t is _tuple:
        if x.__len__() > MAX_ITEMS:
            return {"t": "unsupported", "type": "a sequence of more than %d items" % MAX_ITEMS}
        return {"t": "list" if t is _list else "tuple",
                "items": [_encode(v, depth + 1) for v in x]}
    if t is _dict:
        if x.__len__() > MAX_ITEMS:
            return {"t": "unsupported", "type": "a dict of more than %d items" % MAX_ITEMS}
        return {"t": "dict", "items": [[_encode(k, depth + 1), _encode(v, depth + 1)]
                                       for k, v in x.items()]}
    np = sys.modules.get("numpy")
    if np is not None:
        if t is np.ndarray and x.dtype.kind in "biuf" and x.size <= MAX_ITEMS:
            kind = {"b": "b", "i": "i", "u": "i", "f": "f"}[x.dtype.kind]
            return {"t": "array", "dtype": kind, "shape": [int(n) for n in x.shape],
                    "data": x.ravel().tolist()}
        scalars = (np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8,
                   np.uint64, np.uint32, np.uint16, np.uint8, np.bool_)
        if t in scalars:
            return _encode(x.item(), depth)
    try:
        name = _str(t.__module__) + "." + _str(t.__qualname__)
    except Exception:
        name = "an unknown type"
    return {"t": "unsupported", "type": name[:200]}


def _capture():
    values = {}
    for name in NAMES:
        if name in USER_NS:
            try:
                values[name] = _encode(USER_NS[name], 0)
            except Exception as exc:
                values[name] = {"t": "unsupported", "type": "unreadable (%s)" % type(exc).__name__}
        else:
            values[name] = {"t": "missing"}
    text = json.dumps({"values": values})
    with open(PATH, "w", encoding="utf-8") as f:
        f.write(text)


_capture()
'''


def capture_source(names, path) -> str:
    """Source of a cell that writes the variables ``names`` to the JSON file ``path``.

    The cell runs the capture code in a namespace of its own (so a student's
    global named ``json`` or ``open`` does not get in the way) and leaves no
    names behind in the notebook.

    Parameters
    ----------
    names : sequence of str
        Variable names to capture from the notebook's globals.
    path : str or pathlib.Path
        Where to write the JSON file.

    Returns
    -------
    str
    """
    names = [str(n) for n in names]
    for n in names:
        if not n.isidentifier():
            raise ValueError(f"{n!r} is not a Python variable name.")
    setup = ("import json, sys\n"
             f"MAX_DEPTH = {MAX_DEPTH}\nMAX_ITEMS = {MAX_ITEMS}\nMAX_STR = {MAX_STR}\n")
    body = setup + _CAPTURE_BODY
    return (
        "import builtins as _mlecourse_builtins\n"
        f"_mlecourse_builtins.exec({body!r}, {{'__builtins__': _mlecourse_builtins, "
        f"'NAMES': {names!r}, 'PATH': {str(path)!r}, "
        "'USER_NS': _mlecourse_builtins.globals()})\n"
        "del _mlecourse_builtins\n"
    )


def _number_ok(value, kind: str) -> bool:
    if kind == "b":
        return type(value) is bool
    if kind == "i":
        return type(value) is int and -(2**63) <= value < 2**63
    return type(value) in (int, float) and not isinstance(value, bool)


def _decode(obj, depth: int, budget: list[int]):
    """Build a plain value from one tagged entry; raise ValueError on anything else."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if type(obj) is not dict or type(obj.get("t")) is not str:
        raise ValueError("an entry is not a tagged value")
    t = obj["t"]
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError("too many values")

    def need(keys):
        if set(obj) != {"t", *keys}:
            raise ValueError(f"a {t!r} entry has the keys {sorted(obj)}")

    if t == "unsupported":
        kind = obj.get("type")
        raise ValueError("it contains a value of type "
                         + (kind[:200] if type(kind) is str else "unknown")
                         + ", which the grader does not read")
    if t == "none":
        need(())
        return None
    if t == "ellipsis":
        need(())
        return Ellipsis
    if t in ("bool", "int", "float", "str"):
        need(("v",))
        v = obj["v"]
        ok = {"bool": type(v) is bool,
              "int": type(v) is int,
              "float": type(v) in (int, float) and not isinstance(v, bool),
              "str": type(v) is str and len(v) <= MAX_STR}[t]
        if not ok:
            raise ValueError(f"a {t!r} entry holds a {type(v).__name__}")
        return float(v) if t == "float" else v
    if t in ("list", "tuple"):
        need(("items",))
        items = obj["items"]
        if type(items) is not list or len(items) > MAX_ITEMS:
            raise ValueError(f"a {t!r} entry without a valid item list")
        values = [_decode(v, depth + 1, budget) for v in items]
        return values if t == "list" else tuple(values)
    if t == "dict":
        need(("items",))
        items = obj["items"]
        if type(items) is not list or len(items) > MAX_ITEMS:
            raise ValueError("a dict entry without a valid item list")
        out = {}
        for pair in items:
            if type(pair) is not list or len(pair) != 2:
                raise ValueError("a dict item is not a [key, value] pair")
            key = _decode(pair[0], depth + 1, budget)
            if not isinstance(key, (str, int, float, bool, tuple)) and key is not None:
                raise ValueError("a dict key is not a plain value")
            try:
                hash(key)
            except TypeError:
                raise ValueError("a dict key is not hashable") from None
            out[key] = _decode(pair[1], depth + 1, budget)
        return out
    if t == "array":
        need(("dtype", "shape", "data"))
        kind, shape, data = obj["dtype"], obj["shape"], obj["data"]
        if kind not in ("b", "i", "f"):
            raise ValueError("an array entry with an unknown dtype")
        if (type(shape) is not list or len(shape) > 8
                or not all(type(s) is int and 0 <= s <= MAX_ITEMS for s in shape)):
            raise ValueError("an array entry with an invalid shape")
        if type(data) is not list or len(data) != math.prod(shape) or len(data) > MAX_ITEMS:
            raise ValueError("an array entry whose data do not match its shape")
        if not all(_number_ok(v, kind) for v in data):
            raise ValueError("an array entry with values of the wrong type")
        budget[0] -= len(data)
        if budget[0] < 0:
            raise ValueError("too many values")
        dtype = {"b": bool, "i": np.int64, "f": np.float64}[kind]
        return np.array(data, dtype=dtype).reshape(shape)
    raise ValueError(f"an entry of unknown type {t!r}")


def _contains_ellipsis(value) -> bool:
    if value is Ellipsis:
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_ellipsis(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_ellipsis(v) for v in value.values())
    return False


def decode_text(text: str, names) -> dict:
    """Parse the text of a capture file into plain values, strictly.

    Parameters
    ----------
    text : str
        The file's contents.
    names : sequence of str
        The variables expected in it.

    Returns
    -------
    dict
        ``name -> value`` for every name in ``names``; a value is a plain
        value, or :class:`Missing`, :class:`Unanswered` or :class:`Unreadable`.
    """
    names = list(names)

    def refuse(reason):
        return {n: Unreadable(n, reason) for n in names}

    if len(text) > MAX_FILE_BYTES:
        return refuse("the answers were too large to read")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return refuse("the answers could not be read")
    if type(doc) is not dict or set(doc) != {"values"} or type(doc["values"]) is not dict:
        return refuse("the answers could not be read")
    out = {}
    budget = [MAX_ITEMS]
    for name in names:
        entry = doc["values"].get(name)
        if entry is None or (type(entry) is dict and entry.get("t") == "missing"
                             and set(entry) == {"t"}):
            out[name] = Missing(name)
            continue
        if type(entry) is dict and entry.get("t") == "unsupported":
            kind = entry.get("type")
            kind = kind[:200] if type(kind) is str else "an unknown type"
            out[name] = Unreadable(name, f"it is of type {kind}, which the grader does not read")
            continue
        try:
            value = _decode(entry, 0, budget)
        except (ValueError, RecursionError) as exc:
            out[name] = Unreadable(name, str(exc) if str(exc).startswith("it contains")
                                   else f"its value could not be read ({exc})")
            continue
        out[name] = Unanswered(name) if _contains_ellipsis(value) else value
    return out


def decode_file(path, names) -> dict:
    """Read a capture file with :func:`decode_text`.

    The file is opened without following symbolic links and must be a regular
    file of at most :data:`MAX_FILE_BYTES` bytes; a missing file means the
    capture cell never ran (the variables read as :class:`Missing`).
    """
    names = list(names)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return {n: Missing(n) for n in names}
    except OSError:
        return {n: Unreadable(n, "the answers could not be read") for n in names}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return {n: Unreadable(n, "the answers could not be read") for n in names}
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        return {n: Unreadable(n, "the answers could not be read") for n in names}
    return decode_text(text, names)
