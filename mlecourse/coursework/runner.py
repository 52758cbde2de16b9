"""Run one notebook in a fresh, limited kernel.

Each notebook gets its own kernel process, started in an empty temporary
working directory with a scrubbed environment, resource limits set in the
kernel process before it starts Python (``resource.setrlimit`` in
``preexec_fn``: address space, file size, no core dumps), its output streams
sent to ``/dev/null`` and a time limit for the whole notebook. When the
notebook ends (or runs out of time, or kills its kernel) the kernel's process
group is killed, and so is every process that still carries the run's token in
its environment (children that started a session of their own).

This is damage control, not a sandbox: code in the notebook runs as the
grading user and can read and write whatever that user can. Grade untrusted
submissions inside a container or a throw-away account.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

KERNEL_NAME = "mlecourse-grader"


@dataclass
class RunResult:
    """What happened when a notebook ran.

    Attributes
    ----------
    status : str
        ``"completed"``, ``"timeout"``, ``"kernel died"`` or ``"kernel failed"`` (the
        kernel sent messages that could not be read).
    seconds : float
        Wall-clock time from kernel start to the end.
    executed : int
        How many code cells ran (fully or with an error).
    errors : list of tuple
        ``(cell_index, ename, evalue)`` for each cell that raised.
    notebook : nbformat.NotebookNode
        The executed notebook.
    """

    status: str
    seconds: float
    executed: int
    errors: list = field(default_factory=list)
    notebook: object = None


def _set_limits(memory_bytes: int, file_bytes: int) -> None:  # pragma: no cover - child side
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _kernel_spec_dir(root: Path) -> Path:
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "mlecourse grader",
        "language": "python",
    }))
    return root / "kernels"


def kill_tagged(token: str) -> int:
    """Kill every process whose environment carries ``MLECOURSE_GRADER_TOKEN=token``.

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


def _environment(workdir: Path, token: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "IPYTHONDIR": str(workdir / ".ipython"),
        "MPLCONFIGDIR": str(workdir / ".matplotlib"),
        "JUPYTER_RUNTIME_DIR": str(workdir / ".jupyter"),
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MLECOURSE_GRADER_TOKEN": token,
    }
    if "VIRTUAL_ENV" in os.environ:
        env["VIRTUAL_ENV"] = os.environ["VIRTUAL_ENV"]
    return env


async def run_notebook(nb, *, timeout: float = 120, memory_mb: int = 2048,
                       file_mb: int = 64, startup_timeout: float = 120) -> RunResult:
    """Execute ``nb`` top to bottom in a fresh kernel and return what happened.

    Cells that raise do not stop the run (the next cell runs). The run stops
    when the notebook ends, after ``timeout`` seconds of execution, or when
    the kernel dies.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook; it is executed in place.
    timeout : float, default 120
        Seconds for the whole notebook (kernel start-up not included).
    memory_mb : int, default 2048
        Address-space limit of the kernel process, in MiB.
    file_mb : int, default 64
        Largest file the kernel may write, in MiB.
    startup_timeout : float, default 120
        Seconds allowed for the kernel to start.

    Returns
    -------
    RunResult
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    token = secrets.token_hex(16)
    root = Path(tempfile.mkdtemp(prefix="mlecourse-kernel-"))
    workdir = Path(tempfile.mkdtemp(prefix="mlecourse-run-"))
    try:
        for sub in (".ipython", ".matplotlib", ".jupyter"):
            (workdir / sub).mkdir()
        ksm = KernelSpecManager(kernel_dirs=[str(_kernel_spec_dir(root))])
        ksm.ensure_native_kernel = False
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm,
                                connection_file=str(root / "connection.json"))
        client = NotebookClient(nb, km=km, timeout=timeout, startup_timeout=startup_timeout,
                                allow_errors=True, kernel_name=KERNEL_NAME,
                                record_timing=False)
        memory = int(memory_mb) * 1024 * 1024
        files = int(file_mb) * 1024 * 1024
        start = time.monotonic()
        status = "completed"
        executed = 0
        try:
            async with client.async_setup_kernel(
                cwd=str(workdir), env=_environment(workdir, token),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=lambda: _set_limits(memory, files),
            ):
                msg_id = client.kc.kernel_info()
                await client.async_wait_for_reply(msg_id)
                begin = time.monotonic()
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    left = timeout - (time.monotonic() - begin)
                    if left <= 0:
                        status = "timeout"
                        break
                    client.timeout = max(1, math.ceil(left))  # nbclient's own cell limit
                    try:
                        # a backstop in case the kernel stops answering altogether
                        await asyncio.wait_for(
                            client.async_execute_cell(cell, index,
                                                      execution_count=executed + 1),
                            left + 10)
                    except (asyncio.TimeoutError, TimeoutError, CellTimeoutError):
                        status = "timeout"
                        break
                    except DeadKernelError:
                        # nbclient reports a cancelled wait as a dead kernel
                        over = time.monotonic() - begin >= timeout
                        status = "timeout" if over else "kernel died"
                        break
                    executed += 1
                    if not await km.is_alive():
                        status = "kernel died"
                        break
        except DeadKernelError:
            status = "kernel died"
        except Exception:  # whatever the kernel sends, the grader goes on
            # a kernel whose messages cannot be read (a notebook that patched json or the
            # kernel's session breaks the protocol): stop here.
            status = "kernel failed"
        finally:
            pgid = getattr(km.provisioner, "pgid", None) if km.provisioner else None
            try:
                if km.has_kernel:
                    await km.shutdown_kernel(now=True)
            except Exception:
                pass
            if pgid and hasattr(os, "killpg"):
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except OSError:
                    pass
            kill_tagged(token)
        errors = []
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                if output.get("output_type") == "error":
                    errors.append((index, str(output.get("ename", "?"))[:100],
                                   str(output.get("evalue", ""))[:200]))
        return RunResult(status, time.monotonic() - start, executed, errors, nb)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
