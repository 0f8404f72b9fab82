#!/usr/bin/python3
"""Reads plugin.yml, the README and the examples for the documentation tests.

  plugin_docs.py check-schema          plugin.yml parses and its configuration is a valid JSON Schema;
                                       prints its required attributes and additionalProperties
  plugin_docs.py top-level             plugin.yml's top-level keys as Buildkite's plugin tooling reads
                                       them: `KEY: TYPE`, and `requirements: N items`
  plugin_docs.py schema-attributes     the attribute names plugin.yml declares, one per line
  plugin_docs.py readme-attributes     the attribute names the README's attribute table documents
  plugin_docs.py examples              every kaniko plugin configuration in the README's YAML blocks and
                                       in examples/**/pipeline.yml, validated against plugin.yml, one
                                       JSON object per line; exits 1 naming any that fail validation
  plugin_docs.py references            where each example names the plugin, and how: `WHERE: KEY`
  plugin_docs.py pipeline              the steps of .buildkite/pipeline.yml: `KEY|IF|COMMANDS|PLUGINS`
"""
import json
import os
import pathlib
import re
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def schema():
    return yaml.safe_load((ROOT / "plugin.yml").read_text())["configuration"]


def is_kaniko(key):
    name = key.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    name = name.removesuffix(".git").removesuffix("-buildkite-plugin")
    return name == "kaniko"


def plugin_entries(document):
    """Yields (key, configuration) for each use of the kaniko plugin in a pipeline document."""
    steps = document.get("steps", []) if isinstance(document, dict) else []
    for step in steps:
        for plugin in (step or {}).get("plugins", []) if isinstance(step, dict) else []:
            if isinstance(plugin, dict):
                for key, config in plugin.items():
                    if is_kaniko(key):
                        yield key, config


def example_sources():
    readme = (ROOT / "README.md").read_text()
    for number, block in enumerate(re.findall(r"```yaml\n(.*?)```", readme, re.S), start=1):
        yield f"README.md yaml block {number}", block
    for path in sorted(ROOT.glob("examples/**/pipeline.yml")):
        yield str(path.relative_to(ROOT)), path.read_text()


def main(command):
    if command == "check-schema":
        jsonschema.Draft7Validator.check_schema(schema())
        print(f"required: {','.join(schema()['required'])}")
        print(f"additionalProperties: {str(schema()['additionalProperties']).lower()}")
    elif command == "top-level":
        document = yaml.safe_load((ROOT / "plugin.yml").read_text())
        for key, value in document.items():
            if isinstance(value, str):
                print(f"{key}: {'a non-empty string' if value.strip() else 'an empty string'}")
            elif isinstance(value, list):
                print(f"{key}: {len(value)} items")
            else:
                print(f"{key}: {type(value).__name__}")
    elif command == "schema-attributes":
        print("\n".join(schema()["properties"]))
    elif command == "readme-attributes":
        readme = (ROOT / "README.md").read_text()
        section = readme.split("\n## Attributes\n", 1)[1].split("\n#", 1)[0]
        print("\n".join(re.findall(r"^\| `([a-z-]+)` \|", section, re.M)))
    elif command == "examples":
        validator = jsonschema.Draft7Validator(schema())
        failures = 0
        for where, text in example_sources():
            # The agent interpolates $VARIABLES when the pipeline is uploaded; so do we.
            for _, config in plugin_entries(yaml.safe_load(os.path.expandvars(text))):
                for error in validator.iter_errors(config):
                    print(f"{where}: {error.message}", file=sys.stderr)
                    failures += 1
                print(json.dumps(config))
        return 1 if failures else 0
    elif command == "pipeline":
        document = yaml.safe_load((ROOT / ".buildkite" / "pipeline.yml").read_text())
        for step in document["steps"]:
            commands = step.get("command", [])
            commands = [commands] if isinstance(commands, str) else commands
            plugins = [name for plugin in step.get("plugins", []) for name in plugin]
            print(f"{step.get('key', '-')}|{step.get('if', '-')}|{';'.join(commands)}|{','.join(plugins)}")
    elif command == "references":
        for where, text in example_sources():
            for key, _ in plugin_entries(yaml.safe_load(os.path.expandvars(text))):
                print(f"{where}: {key}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
