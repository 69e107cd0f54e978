"""Running the installed ``accord`` command in a child process, as a user would."""

import os
import socket
import subprocess
import sys
from pathlib import Path

ACCORD_COMMAND = [sys.executable, "-m", "accord"]


def accord_env(workspace: Path | None = None, **overrides: str) -> dict[str, str]:
    """The parent's environment without Accord's own variables, plus the ones a test names."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACCORD_")}
    if workspace is not None:
        env["ACCORD_HOME"] = str(workspace)
    env.update(overrides)
    return env


def run_accord(
    *args: str, env: dict[str, str], timeout_s: float = 120, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ACCORD_COMMAND, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        input=input_text,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
