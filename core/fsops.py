"""Publishing a folder atomically, the lock on a build's output, recovering what a killed build left behind, and
writing an output file (an export, a page) so that a failure never leaves half of one.

A build is made in `.NAME.tmp-PID-*` beside its target NAME and published by one exchange of the two paths
(Linux renameat2 RENAME_EXCHANGE), so the path holds the old build or the new one at every instant; where that
call is missing, two renames (old aside to `.NAME.old-PID-*`, new in) with recovery on the next start. Every
temporary or set-aside name carries the pid of the process that made it, so a later build can tell a dead
build's leftovers from a live one's.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import UsageError

AT_FDCWD = -100
RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _load_renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a libc older than glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths `a` and `b` (both must exist) in one atomic step. False when the system or the file
    system cannot (the caller falls back); any other failure raises OSError."""
    if _renameat2 is None:
        return False
    if _renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def temp_name(out: Path, kind: str) -> Path:
    """A fresh name beside `out` for a temporary ("tmp") or set-aside ("old") copy, carrying this pid."""
    return out.with_name(f".{out.name}.{kind}-{os.getpid()}-{time.monotonic_ns()}")


def make_temp(out: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))


def publish(tmp: Path, out: Path, exchange: Callable[[Path, Path], bool] = exchange) -> None:
    """Put the complete folder `tmp` at `out`, removing the previous one. With an exchange the path is never
    empty; without one (fallback) a kill between the two renames leaves the old folder in `.NAME.old-PID-*`,
    which `recover` puts back."""
    if not out.exists():
        os.replace(tmp, out)
        return
    if exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous build
        return
    old = temp_name(out, "old")
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def leftovers(out: Path) -> list[tuple[str, int, Path]]:
    """(kind, pid, path) of every `.NAME.tmp-PID*` and `.NAME.old-PID*` beside `out`."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(tmp|old)-(\d+)(?:-.*)?")
    found = []
    if out.parent.is_dir():
        for path in out.parent.iterdir():
            match = pattern.fullmatch(path.name)
            if match:
                found.append((match[1], int(match[2]), path))
    return found


def recover(out: Path, is_build: Callable[[Path], bool], note: Callable[[str], None] | None = None) -> None:
    """Clean up after builds into `out` that died: when `out` holds no build, the newest set-aside old build of
    a dead process goes back in place; every other leftover of a dead process is removed. One `note` each."""
    say = note or (lambda _: None)
    dead = [(kind, path) for kind, pid, path in leftovers(out) if pid != os.getpid() and not _alive(pid)]
    vacant = not out.exists() or (out.is_dir() and not any(out.iterdir()))
    if vacant:
        olds = sorted((p for kind, p in dead if kind == "old" and is_build(p)), key=lambda p: p.stat().st_mtime_ns)
        if olds:
            if out.exists():
                out.rmdir()
            os.replace(olds[-1], out)
            say(f"{out}: restored the previous build from {olds[-1].name}, left by a build that did not finish")
            dead = [(kind, p) for kind, p in dead if p != olds[-1]]
    for _, path in dead:
        shutil.rmtree(path, ignore_errors=True)
        say(f"{out}: removed {path.name}, left by a build that did not finish")


@contextlib.contextmanager
def locked(out: Path, wait: bool = False) -> Iterator[None]:
    """Hold the lock file `.NAME.lock` beside `out` for one build; a second build into `out` while it is held
    is refused (UsageError, exit 2) rather than left to wait. The kernel drops the lock when its holder dies;
    the holder removes the file when it is done, so it takes the lock only if the file it locked is still the
    one at the path (else a build that opened it just before the removal would hold a lock nobody sees).
    With `wait`, a held lock is waited for instead (for work that a running build may be doing already)."""
    lock = out.with_name(f".{out.name}.lock")
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise UsageError(f"{out}: another build into this folder is running (pid {holder}); "
                             "run this one when it has finished") from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)  # while still holding it, so no one else can be holding this file
        os.close(fd)


@contextlib.contextmanager
def atomic_output(path: Path, mode: str = "wb", encoding: str | None = None) -> Iterator:
    """A handle on a new file beside `path` that replaces `path` once everything is written; on any failure the
    file goes and `path` is as it was. An OSError about the temporary file (or a write's, which names no file)
    is given `path`'s name."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{time.monotonic_ns()}.tmp")
    created = False
    try:
        # os.open with 0o666 keeps the user's umask (mkstemp would make the file private to its owner)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        os.replace(tmp, path)
    except BaseException as error:
        if created:
            tmp.unlink(missing_ok=True)
        if isinstance(error, OSError) and (error.filename is None or str(error.filename) == str(tmp)):
            error.filename, error.filename2 = str(path), None
        raise


__all__ = ["atomic_output", "exchange", "leftovers", "locked", "make_temp", "publish", "recover", "temp_name"]
