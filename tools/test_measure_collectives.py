#!/usr/bin/env python3
"""Checks tools/measure_collectives.py on CPU with the gloo backend.

    .venv/bin/python -m unittest tools/test_measure_collectives.py

Needs torch (CPU is enough); CI does not run it (it has no torch).
"""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class GlooHarness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp()
        cls.output = os.path.join(cls.folder, "gloo.csv")
        subprocess.run(
            [sys.executable, os.path.join(HERE, "measure_collectives.py"),
             "--backend", "gloo", "--world-sizes", "2,4", "--max-bytes", "65536",
             "--warmup", "1", "--repetitions", "3",
             "--layer-widths", "256,512,8,4,32",
             "--layer-tokens", "prefill:64,decode:2", "--output", cls.output],
            check=True)
        with open(cls.output, newline="") as handle:
            cls.rows = list(csv.DictReader(handle))

    def test_every_collective_size_and_world(self):
        collectives = [r for r in self.rows if r["kernel"] != "tp-layer"]
        # 5 collectives x sizes 1, 4, 16, 64 KiB x world sizes 2 and 4.
        self.assertEqual(len(collectives), 5 * 4 * 2)
        kinds = {r["kernel"] for r in collectives}
        self.assertEqual(kinds, {"all-reduce", "all-gather", "reduce-scatter",
                                 "all-to-all", "send-recv"})
        for r in collectives:
            # fp32 buffers whose element count divides by the world size.
            self.assertEqual(int(r["bytes"]) % (4 * int(r["ranks"])), 0)
            self.assertGreater(float(r["median_seconds"]), 0)
            self.assertLessEqual(float(r["min_seconds"]), float(r["median_seconds"]))

    def test_layer_rows(self):
        layers = [r for r in self.rows if r["kernel"] == "tp-layer"]
        self.assertEqual([(r["phase"], r["tokens"], r["ranks"]) for r in layers],
                         [("prefill", "64", "2"), ("decode", "2", "2"),
                          ("prefill", "64", "4"), ("decode", "2", "4")])
        self.assertEqual({r["hidden"] for r in layers}, {"256"})

    def test_multicast_off_in_children(self):
        # Set at import, so every spawned process inherits them.
        probe = subprocess.run(
            [sys.executable, "-c",
             "import sys, os; sys.path.insert(0, %r); import measure_collectives;"
             "print(os.environ['NCCL_NVLS_ENABLE'], os.environ['TORCH_SYMM_MEM_DISABLE_MULTICAST'],"
             " os.environ['NVSHMEM_DISABLE_NVLS'])" % HERE],
            check=True, capture_output=True, text=True)
        self.assertEqual(probe.stdout.split(), ["0", "1", "1"])


if __name__ == "__main__":
    unittest.main()
