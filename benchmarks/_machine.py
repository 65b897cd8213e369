"""A one-line description of the machine a benchmark ran on."""

import os
import platform


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if "model name" in line]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    try:
        import torch

        threads = torch.get_num_threads()
    except ImportError:
        threads = "?"
    python = platform.python_version()
    return f"{cpu}, {os.cpu_count()} cores, torch threads {threads}, Python {python}"
