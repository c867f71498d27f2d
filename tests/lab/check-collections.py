#!/usr/bin/env python3
"""ansible/requirements.yml must name exactly the collections the playbooks and roles use.

Every task (a mapping with a module key) is read from ansible/**/*.yml; a module named
<namespace>.<collection>.<module> other than ansible.builtin counts.
"""
import glob
import os
import sys

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TASK_WORDS = {"name", "when", "loop", "register", "vars", "tags", "become", "notify", "block", "rescue",
              "always", "delegate_to", "run_once", "changed_when", "failed_when", "no_log", "environment",
              "args", "until", "retries", "delay", "ignore_errors", "loop_control", "check_mode", "listen"}


def modules(node):
    if isinstance(node, list):
        for item in node:
            yield from modules(item)
    elif isinstance(node, dict):
        if "name" in node or "block" in node:
            for key in node:
                if isinstance(key, str) and key not in TASK_WORDS and key.count(".") == 2:
                    yield key
        for key, value in node.items():
            if key in ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always") or isinstance(value, list):
                yield from modules(value)


def main():
    used = set()
    for path in glob.glob(os.path.join(ROOT, "ansible", "**", "*.yml"), recursive=True):
        if path.endswith("requirements.yml"):
            continue
        with open(path) as handle:
            for module in modules(yaml.safe_load(handle)):
                collection = module.rsplit(".", 1)[0]
                if collection != "ansible.builtin":
                    used.add(collection)
    with open(os.path.join(ROOT, "ansible", "requirements.yml")) as handle:
        listed = {entry["name"] for entry in yaml.safe_load(handle)["collections"]}
    print("used:", " ".join(sorted(used)) or "-")
    print("listed:", " ".join(sorted(listed)) or "-")
    if used != listed:
        print("missing from requirements.yml:", " ".join(sorted(used - listed)) or "-",
              "; listed but unused:", " ".join(sorted(listed - used)) or "-")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
