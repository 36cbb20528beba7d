#!/usr/bin/python3
"""Reads a Prometheus text exposition on stdin with python3-prometheus-client's
own parser and prints its samples as JSON lines, for civic's tests (issue 19):

  {"name": ..., "type": family type, "labels": {...}, "value": float}

A line the parser refuses ends the script with an error. Debian's
/usr/bin/python3 and python3-prometheus-client only.
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            print(json.dumps({"name": sample.name, "type": family.type, "labels": sample.labels,
                              "value": sample.value}))


if __name__ == "__main__":
    main()
