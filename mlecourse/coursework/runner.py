"""Run one notebook sealed off in an OS sandbox, and bring its answers back as data.

A graded notebook is hostile code. Each one runs in its own bubblewrap
sandbox (``bwrap``, Linux user namespaces), started fresh for that notebook:

- the file system is empty but for read-only copies of the system libraries,
  the Python environment and the ``mlecourse`` package, a private ``/tmp``
  and a private working folder (both small in-memory file systems, gone
  when the notebook ends); nothing of the hidden tests, the other
  submissions, the grader's files or the output folder exists in there;
- no network (a private network namespace with only loopback), its own
  process namespace (it cannot see or signal the grader, and every process
  it starts dies with it), its own IPC and host name;
- limits on processes, CPU seconds, address space and file size, set inside
  the sandbox, and a wall-clock limit enforced from outside (the whole
  sandbox is killed);
- when the grader runs as root, the sandbox runs as the unprivileged user
  ``nobody`` (the process limit does not hold for root).

Inside, a small driver (``python -m mlecourse.coursework.runner --driver``)
starts the kernel, executes the cells, throws every output away except the
names of errors, and after each capture cell sends the capture file's text
down a pipe that only the grader holds (file descriptor ``--answers-fd``; the
driver makes itself non-dumpable so that the notebook cannot open it through
``/proc``). The grader reads at most a fixed number of bytes from that pipe,
so nothing a notebook prints reaches the grader's memory, and decodes the
captures strictly as data (:mod:`.answers`).

Where no sandbox can be started (not Linux, ``bwrap`` missing, user
namespaces disabled), :func:`sandbox_problem` says why and the grader refuses
to run unless told the run is unsafe; an unsafe run executes the same driver
as a plain child process with the same limits, which is damage control only.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

KERNEL_NAME = "mlecourse-grader"
#: where the capture cells write inside the sandbox
SANDBOX_ANSWERS = "/tmp/.mlecourse-answers"
#: where the ``mlecourse`` package is mounted inside the sandbox
SANDBOX_LIB = "/opt/mlecourse"
SANDBOX_HOME = "/home/student"
#: the unprivileged user a root grader runs sandboxes as
NOBODY = 65534
#: most bytes read from one notebook's answer pipe
MAX_CHANNEL_BYTES = 64_000_000
#: most cell errors reported per notebook
MAX_ERRORS = 50


@dataclass
class RunResult:
    """What happened when a notebook ran.

    Attributes
    ----------
    status : str
        ``"completed"``, ``"timeout"``, ``"kernel died"`` (the kernel, the
        driver or the sandbox stopped: ``sys.exit``/``os._exit``, a crash,
        a limit) or ``"kernel failed"`` (the kernel sent messages that could
        not be read).
    seconds : float
        Wall-clock time from the sandbox's start to the end.
    executed : int
        How many code cells ran (fully or with an error).
    errors : list of tuple
        ``(cell_index, ename, evalue)`` for each cell that raised.
    captures : dict
        Capture file name to the text the capture cell wrote.
    sandbox : str
        ``"bwrap"`` or ``"none (unsafe)"``.
    """

    status: str
    seconds: float
    executed: int
    errors: list = field(default_factory=list)
    captures: dict = field(default_factory=dict)
    sandbox: str = "bwrap"


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed notebook.

    Attributes
    ----------
    timeout : float
        Seconds of execution for the whole notebook (kernel start-up not included).
    memory_mb : int
        Address-space limit of each process, in MiB.
    file_mb : int
        Largest file a process may write, in MiB; each of ``/tmp`` and the
        working folder holds at most twice that.
    processes : int
        Most processes and threads alive at once inside the sandbox.
    startup_timeout : float
        Seconds allowed for the sandbox and kernel to start.
    """

    timeout: float = 120
    memory_mb: int = 2048
    file_mb: int = 64
    processes: int = 128
    startup_timeout: float = 60


# --- the grader's side ---------------------------------------------------------------------

_PROBE: dict[str, str | None] = {}


def _bwrap() -> str | None:
    return shutil.which("bwrap")


def _supports(option: str) -> bool:
    """Whether this bwrap knows ``option`` (``--disable-userns`` and ``--size`` are 0.7+)."""
    if "help" not in _PROBE:
        try:
            _PROBE["help"] = subprocess.run(["bwrap", "--help"], capture_output=True,
                                            text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            _PROBE["help"] = ""
    return option in (_PROBE["help"] or "")


def _system_binds() -> list[tuple[str, str]]:
    """(source, destination) pairs mounted read-only: system libraries, Python, the package."""
    import mlecourse

    paths = ["/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin",
             "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
             "/etc/localtime", "/etc/fonts", "/etc/mime.types"]
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
              os.path.dirname(os.path.realpath(sys.executable))):
        paths.append(os.path.realpath(p))
    binds: list[tuple[str, str]] = []
    seen: list[str] = []
    for p in paths:
        if not os.path.lexists(p) or any(p == s or p.startswith(s + "/") for s in seen):
            continue
        seen.append(p)
        binds.append((p, p))
    for p in (sys.prefix, sys.exec_prefix):  # a venv's own path, if it is a symlink
        if os.path.realpath(p) != p and os.path.lexists(p):
            binds.append((os.path.realpath(p), p))
    binds.append((str(Path(mlecourse.__file__).resolve().parent), f"{SANDBOX_LIB}/mlecourse"))
    return binds


def _environment_inside() -> dict[str, str]:
    venv_bin = os.path.dirname(sys.executable)
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SANDBOX_HOME,
        "TMPDIR": "/tmp",
        "PYTHONPATH": SANDBOX_LIB,
        "IPYTHONDIR": "/tmp/.ipython",
        "MPLCONFIGDIR": "/tmp/.matplotlib",
        "JUPYTER_RUNTIME_DIR": "/tmp/.jupyter",
        "JUPYTER_PLATFORM_DIRS": "1",
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def sandbox_command(argv: list[str], limits: Limits, stage: Path | None = None) -> list[str]:
    """The command that runs ``argv`` inside a fresh bubblewrap sandbox.

    Parameters
    ----------
    argv : list of str
        The command to run inside.
    limits : Limits
        Sizes of the private file systems.
    stage : pathlib.Path, optional
        When the grader runs as root: an empty folder used to mount the
        read-only sources in a private mount namespace, so that the sandbox
        can run as ``nobody`` even where a source (e.g. Python under
        ``/root``) is not readable by that user.

    Returns
    -------
    list of str
    """
    size = ["--size", str(2 * limits.file_mb * 1024 * 1024)] if _supports("--size") else []
    args = ["bwrap", "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
            "--hostname", "sandbox", "--uid", "1000", "--gid", "1000", "--clearenv"]
    if _supports("--disable-userns"):
        args.append("--disable-userns")
    # the private file systems first: a bind below /tmp (a virtual environment or a
    # checkout under /tmp, as in a CI clone) must be mounted on top of the empty /tmp,
    # not hidden by it
    args += [*size, "--tmpfs", "/tmp", *size, "--tmpfs", SANDBOX_HOME]
    mounts = []
    for k, (src, dst) in enumerate(_system_binds()):
        if os.path.islink(src) and src == dst:
            args += ["--symlink", os.readlink(src), dst]
            continue
        if stage is not None:
            mounts.append((src, str(stage / str(k))))
            src = str(stage / str(k))
        args += ["--ro-bind", src, dst]
    args += ["--proc", "/proc", "--dev", "/dev", "--chdir", SANDBOX_HOME]
    for key, value in _environment_inside().items():
        args += ["--setenv", key, value]
    args += ["--", *argv]
    if stage is None:
        return args
    # root: bind the sources into the stage in a private mount namespace, then drop to nobody
    script = ["set -e"]
    for src, target in mounts:
        if os.path.isdir(src):
            os.makedirs(target, exist_ok=True)
        else:
            Path(target).touch()
        script.append(f"mount --bind {_q(src)} {_q(target)}")
    script.append('exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
            "\n".join(script), "sh", "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
            "--clear-groups", "--", *args]


def _q(text: str) -> str:
    import shlex

    return shlex.quote(text)


def sandbox_problem() -> str | None:
    """Why a sandbox cannot be started here, or ``None`` when it can (probed once)."""
    if "result" in _PROBE:
        return _PROBE["result"]
    problem = None
    if not sys.platform.startswith("linux"):
        problem = f"the sandbox needs Linux (this is {sys.platform})"
    elif _bwrap() is None:
        problem = ("bubblewrap (bwrap) is not installed; on Debian/Ubuntu: "
                   "apt-get install bubblewrap")
    elif os.geteuid() == 0 and not (shutil.which("unshare") and shutil.which("setpriv")):
        problem = "running as root needs unshare and setpriv (util-linux) to drop to nobody"
    else:
        stage = Path(tempfile.mkdtemp(prefix="mlecourse-stage-")) if os.geteuid() == 0 else None
        try:
            os.chmod(stage, 0o755) if stage else None
            cmd = sandbox_command([sys.executable, "-c", "import mlecourse, ipykernel"],
                                  Limits(), stage)
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=120)
            if done.returncode != 0:
                problem = ("bubblewrap could not start a sandbox (are unprivileged user "
                           "namespaces disabled?): "
                           + done.stderr.decode("utf-8", "replace").strip()[-300:])
        except (OSError, subprocess.SubprocessError) as exc:
            problem = f"bubblewrap could not start a sandbox: {exc}"
        finally:
            if stage:
                shutil.rmtree(stage, ignore_errors=True)
    _PROBE["result"] = problem
    return problem


def kill_tagged(token: str) -> int:
    """Kill every process whose environment carries ``MLECOURSE_GRADER_TOKEN=token``.

    Used by unsafe runs (a sandbox's processes die with its PID namespace).
    Only on Linux (it reads ``/proc/<pid>/environ``); elsewhere it does
    nothing. Returns the number of processes signalled.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    needle = f"MLECOURSE_GRADER_TOKEN={token}".encode()
    killed = 0
    for _ in range(10):  # repeat: a process may fork while we look
        found = 0
        for entry in proc.iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                    found += 1
                except OSError:
                    pass
        killed += found
        if not found:
            break
        time.sleep(0.05)
    return killed


def _read_channel(fd: int, deadline: float, proc: subprocess.Popen) -> tuple[list, bool]:
    """Read JSON lines from the answer pipe until it closes, the deadline or the byte cap."""
    messages, buffer, total, timed_out = [], b"", 0, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        total += len(chunk)
        if total > MAX_CHANNEL_BYTES:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                msg = json.loads(line.decode("utf-8"))
            except (ValueError, UnicodeDecodeError, RecursionError):
                continue
            if isinstance(msg, dict) and isinstance(msg.get("type"), str):
                messages.append(msg)
    return messages, timed_out


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        proc.kill()
    except OSError:
        pass


def run_notebook_sync(nb, *, limits: Limits = Limits(), unsafe: bool = False,
                      answers_dir: str | None = None) -> RunResult:
    """Execute ``nb`` top to bottom in a fresh sandbox and return what happened.

    Cells that raise do not stop the run (the next cell runs). The run stops
    when the notebook ends, after ``limits.timeout`` seconds of execution, or
    when the kernel dies; the whole sandbox is killed
    ``limits.startup_timeout + limits.timeout + 15`` seconds after it started,
    whatever the notebook does.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook; capture cells carry ``metadata["mlecourse_capture"]``,
        the name of the file they write in ``answers_dir``.
    limits : Limits
    unsafe : bool, default False
        Run without a sandbox (only limits and a process group): for machines
        where no sandbox can start, and never for untrusted notebooks.
    answers_dir : str, optional
        The folder the capture cells write to, as the notebook sees it
        (default: :data:`SANDBOX_ANSWERS`; an unsafe run must pass its own).

    Returns
    -------
    RunResult

    Raises
    ------
    RuntimeError
        When ``unsafe`` is false and no sandbox can be started here.
    """
    if not unsafe:
        problem = sandbox_problem()
        if problem:
            raise RuntimeError(f"cannot sandbox the notebook: {problem}")
    payload = json.dumps({"notebook": nb, "limits": limits.__dict__}).encode("utf-8")
    read_fd, write_fd = os.pipe()
    token = secrets.token_hex(16)
    work = Path(tempfile.mkdtemp(prefix="mlecourse-run-"))
    os.chmod(work, 0o755)
    answers = answers_dir or SANDBOX_ANSWERS
    driver = [sys.executable, "-m", "mlecourse.coursework.runner", "--driver",
              "--answers-fd", str(write_fd), "--answers-dir", answers]
    if unsafe:
        import mlecourse

        cmd = driver
        env = {**{k: v for k, v in _environment_inside().items() if k != "PYTHONPATH"},
               "HOME": str(work), "TMPDIR": str(work), "IPYTHONDIR": str(work / ".ipython"),
               "MPLCONFIGDIR": str(work / ".matplotlib"),
               "JUPYTER_RUNTIME_DIR": str(work / ".jupyter"),
               "PYTHONPATH": str(Path(mlecourse.__file__).resolve().parents[1]),
               "MLECOURSE_GRADER_TOKEN": token}
        cwd = str(work)
    else:
        cmd = sandbox_command(driver, limits, work / "stage" if os.geteuid() == 0 else None)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        cwd = str(work)
    start = time.monotonic()
    proc = None
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, pass_fds=(write_fd,), env=env,
                                cwd=cwd, start_new_session=True)
        os.close(write_fd)
        write_fd = -1

        def feed():
            try:
                proc.stdin.write(payload)
                proc.stdin.close()
            except OSError:
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        deadline = start + limits.startup_timeout + limits.timeout + 15
        messages, timed_out = _read_channel(read_fd, deadline, proc)
    finally:
        if proc is not None:
            _kill_group(proc)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        if unsafe:
            kill_tagged(token)
        if write_fd >= 0:
            os.close(write_fd)
        os.close(read_fd)
        shutil.rmtree(work, ignore_errors=True)
    status, executed, errors, captures = None, 0, [], {}
    for msg in messages:
        kind = msg["type"]
        if kind == "capture" and isinstance(msg.get("name"), str) \
                and isinstance(msg.get("text"), str):
            captures[msg["name"]] = msg["text"]
        elif kind == "error" and len(errors) < MAX_ERRORS and isinstance(msg.get("cell"), int):
            errors.append((msg["cell"], str(msg.get("ename", "?"))[:100],
                           str(msg.get("evalue", ""))[:200]))
        elif kind == "status" and msg.get("status") in ("completed", "timeout", "kernel died",
                                                        "kernel failed"):
            status = msg["status"]
            executed = msg.get("executed") if isinstance(msg.get("executed"), int) else 0
    if status is None:
        status = "timeout" if timed_out else "kernel died"
    return RunResult(status, time.monotonic() - start, executed, errors, captures,
                     "none (unsafe)" if unsafe else "bwrap")


async def run_notebook(nb, **kwargs) -> RunResult:
    """:func:`run_notebook_sync` in a worker thread (for running several at once)."""
    return await asyncio.to_thread(run_notebook_sync, nb, **kwargs)


# --- the driver, inside the sandbox ---------------------------------------------------------

def _set_limits(limits: dict) -> None:  # pragma: no cover - runs inside the sandbox
    import resource

    memory = int(limits["memory_mb"]) * 1024 * 1024
    files = int(limits["file_mb"]) * 1024 * 1024
    cpu = int(math.ceil(limits["timeout"] + limits["startup_timeout"]))
    for what, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_FSIZE, files),
                        (resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, cpu),
                        (resource.RLIMIT_NPROC, int(limits["processes"]))):
        resource.setrlimit(what, (value, value))


def _not_dumpable() -> None:  # pragma: no cover - runs inside the sandbox
    """Keep the kernel (same user) out of this process's /proc entries and file descriptors."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except Exception:
        pass


def _read_capture(path: Path) -> str | None:  # pragma: no cover - runs inside the sandbox
    import stat

    from .answers import MAX_FILE_BYTES

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return ""
        data = os.read(fd, MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace")


def _driver(answers_fd: int, answers_dir: str) -> int:  # pragma: no cover - in the sandbox
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat import from_dict

    os.set_inheritable(answers_fd, False)
    channel = os.fdopen(answers_fd, "w", encoding="utf-8")
    request = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    limits = request["limits"]
    nb = from_dict(request["notebook"])
    _not_dumpable()
    _set_limits(limits)
    os.makedirs(answers_dir, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="kernel-"))
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "mlecourse grader", "language": "python"}))

    def send(msg):
        channel.write(json.dumps(msg) + "\n")
        channel.flush()

    class Quiet(NotebookClient):
        """Keeps no output but the name and message of an error."""

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] == "error" and len(outs) < 1:
                content = msg["content"]
                out = from_dict({"output_type": "error",
                                 "ename": str(content.get("ename", "?"))[:100],
                                 "evalue": str(content.get("evalue", ""))[:200],
                                 "traceback": []})
                outs.append(out)
                return out
            return None

        def handle_comm_msg(self, outs, msg, cell_index):
            return None

    ksm = KernelSpecManager(kernel_dirs=[str(root / "kernels")])
    ksm.ensure_native_kernel = False
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm,
                            connection_file=str(root / "connection.json"))
    timeout = float(limits["timeout"])
    client = Quiet(nb, km=km, timeout=timeout, startup_timeout=limits["startup_timeout"],
                   allow_errors=True, kernel_name=KERNEL_NAME, record_timing=False)

    async def run():
        status, executed, errors = "completed", 0, 0
        try:
            async with client.async_setup_kernel(cwd=os.getcwd(), stdin=subprocess.DEVNULL,
                                                 stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL):
                await client.async_wait_for_reply(client.kc.kernel_info())
                begin = time.monotonic()
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    left = timeout - (time.monotonic() - begin)
                    if left <= 0:
                        status = "timeout"
                        break
                    client.timeout = max(1, math.ceil(left))
                    try:
                        await asyncio.wait_for(
                            client.async_execute_cell(cell, index, execution_count=executed + 1),
                            left + 5)
                    except (asyncio.TimeoutError, TimeoutError, CellTimeoutError):
                        status = "timeout"
                        break
                    except DeadKernelError:
                        status = "timeout" if time.monotonic() - begin >= timeout \
                            else "kernel died"
                        break
                    executed += 1
                    for out in cell.get("outputs", []):
                        if out.get("output_type") == "error" and errors < MAX_ERRORS:
                            errors += 1
                            send({"type": "error", "cell": index, "ename": out["ename"],
                                  "evalue": out["evalue"]})
                    cell.outputs = []
                    name = cell.metadata.get("mlecourse_capture")
                    if isinstance(name, str):
                        text = _read_capture(Path(answers_dir) / name)
                        if text is not None:
                            send({"type": "capture", "name": name, "text": text})
                    if not await km.is_alive():
                        status = "kernel died"
                        break
        except DeadKernelError:
            status = "kernel died"
        except Exception:  # a kernel whose messages cannot be read (json or session patched)
            status = "kernel failed"
        send({"type": "status", "status": status, "executed": executed})

    asyncio.run(run())
    channel.close()
    os._exit(0)  # the sandbox, with the kernel and whatever it started, ends here


def main(argv=None) -> int:  # pragma: no cover - runs inside the sandbox
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlecourse.coursework.runner")
    parser.add_argument("--driver", action="store_true", required=True)
    parser.add_argument("--answers-fd", type=int, required=True)
    parser.add_argument("--answers-dir", required=True)
    args = parser.parse_args(argv)
    return _driver(args.answers_fd, args.answers_dir)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
