"""Runs a command and reports its wall time, CPU time and peak resident memory (ru_maxrss of the waited child).

Both sides of the validation benchmark run under this same wrapper, so their figures are measured alike.
Usage: python measure.py OUT_JSON -- CMD ARGS...   (the command's stdout passes through; figures go to OUT_JSON)
"""
import json
import resource
import subprocess
import sys
import time

out = sys.argv[1]
cmd = sys.argv[sys.argv.index("--") + 1 :]
t0 = time.perf_counter()
rc = subprocess.call(cmd)
secs = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    # Linux reports ru_maxrss in kilobytes. CPU seconds are reported too: on a shared machine they vary less than wall time.
    json.dump({"rc": rc, "secs": secs, "cpuSecs": usage.ru_utime + usage.ru_stime, "maxRssKb": usage.ru_maxrss}, f)
sys.exit(rc)
