"""Print the import graph between Atlas IA's packages (atlasia.<package> → atlasia.<package>, with the
number of module imports), the pairs that import each other, and the imports that run up the layers of
the ``layers`` contract of ``.importlinter`` (or between two packages of one line). Used for
docs/architecture.md: `.venv/bin/python scripts/import_graph.py [--layers FILE]`.

``--layers`` reads the layers from another file: to measure an older commit against today's layers,
run this script from a checkout of that commit with ``--layers`` pointing at today's ``.importlinter``."""

from __future__ import annotations

import argparse
import configparser
from pathlib import Path

import grimp


def module_imports() -> list[tuple[str, str]]:
    """(importing module, imported module) pairs between two different packages of atlasia."""
    graph = grimp.build_graph("atlasia")
    pairs = []
    for module in sorted(graph.modules):
        if module.count(".") < 1:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.startswith("atlasia.") and imported.split(".")[1] != module.split(".")[1]:
                pairs.append((module, imported))
    return pairs


def package_edges(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    edges: dict[tuple[str, str], int] = {}
    for module, imported in pairs:
        key = (module.split(".")[1], imported.split(".")[1])
        edges[key] = edges.get(key, 0) + 1
    return edges


def layers(path: Path) -> list[list[str]]:
    """The ``layers`` contract's lines, top first: each a list of package names (``a | b`` = siblings)."""
    config = configparser.ConfigParser()
    config.read(path, encoding="utf-8")
    for section in config.sections():
        if config[section].get("type", "").strip() == "layers":
            lines = [line.strip() for line in config[section]["layers"].splitlines() if line.strip()]
            return [[p.strip().removeprefix("atlasia.") for p in line.split("|")] for line in lines]
    return []


def upward(pairs: list[tuple[str, str]], lines: list[list[str]]) -> list[tuple[str, str]]:
    """The module imports that go from a lower line to a higher one, or between two packages of one line."""
    rank = {package: -i for i, line in enumerate(lines) for package in line}
    found = []
    for module, imported in pairs:
        source, target = module.split(".")[1], imported.split(".")[1]
        if source in rank and target in rank and rank[target] >= rank[source]:
            found.append((module, imported))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    default = Path(__file__).resolve().parent.parent / ".importlinter"
    parser.add_argument("--layers", type=Path, default=default)
    parser.add_argument("--details", action="store_true", help="list each import that runs up the layers")
    args = parser.parse_args()
    pairs = module_imports()
    edges = package_edges(pairs)
    print("| importe → | importé | imports |\n|---|---|---|")
    for (source, target), count in sorted(edges.items()):
        print(f"| {source} | {target} | {count} |")
    cycles = sorted({tuple(sorted(pair)) for pair in edges if (pair[1], pair[0]) in edges})
    print(f"\nCycles à deux ({len(cycles)}) : " + (", ".join(f"{a} ↔ {b}" for a, b in cycles) or "aucun"))
    up = sorted(pair for pair in edges if pair[1] == "www" and pair[0] != "www")
    listed = ", ".join(f"{a} → www" for a, _ in up) or "aucun"
    print("Imports qui remontent vers les écrans (www) : " + listed)
    lines = layers(args.layers)
    if lines:
        against = upward(pairs, lines)
        by_package = package_edges(against)
        print(
            f"Imports qui remontent les couches de {args.layers.name} : {len(against)} "
            + (
                "(" + ", ".join(f"{a} → {b} : {n}" for (a, b), n in sorted(by_package.items())) + ")"
                if against
                else ""
            )
        )
        if args.details:
            for module, imported in against:
                print(f"  {module} → {imported}")


if __name__ == "__main__":
    main()
