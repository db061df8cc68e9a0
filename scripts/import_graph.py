"""Print the import graph between Atlas IA's packages (atlasia.<package> → atlasia.<package>, with the
number of importing modules' imports), and the pairs that import each other. Used for
docs/architecture.md: `.venv/bin/python scripts/import_graph.py`."""

from __future__ import annotations

import grimp


def package_edges() -> dict[tuple[str, str], int]:
    graph = grimp.build_graph("atlasia")
    edges: dict[tuple[str, str], int] = {}
    for module in graph.modules:
        if module.count(".") < 1:
            continue
        source = module.split(".")[1]
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("atlasia.") and imported.count(".") >= 1:
                target = imported.split(".")[1]
                if source != target:
                    edges[(source, target)] = edges.get((source, target), 0) + 1
    return edges


def main() -> None:
    edges = package_edges()
    print("| importe → | importé | imports |\n|---|---|---|")
    for (source, target), count in sorted(edges.items()):
        print(f"| {source} | {target} | {count} |")
    pairs = sorted({tuple(sorted(pair)) for pair in edges if (pair[1], pair[0]) in edges})
    print("\nCycles à deux : " + (", ".join(f"{a} ↔ {b}" for a, b in pairs) or "aucun"))
    up = sorted(pair for pair in edges if pair[1] == "www" and pair[0] != "www")
    listed = ", ".join(f"{a} → www" for a, _ in up) or "aucun"
    print("Imports qui remontent vers les écrans (www) : " + listed)


if __name__ == "__main__":
    main()
