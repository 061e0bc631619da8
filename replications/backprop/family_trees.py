"""The two isomorphic family trees of the Nature letter (Fig. 2) and their 104 triples.

Only the trees are typed in (marriages and children); every relationship is derived
from them by its definition, so the 104 cases are a consequence, checked by a test.
A case is a query ⟨person 1⟩⟨relationship⟩ with every correct person 2 as a target unit
on: "Colin has two aunts" is one case with two outputs on (Nature, Fig. 3 caption).

References:
    Rumelhart, Hinton & Williams (1986), Nature 323, Figs. 2-4, pp. 534-535.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replications.backprop.delta_rule import Layer, Net

# (husband, wife, children); a child's gender is in MALE.  Nature, Fig. 2.
ENGLISH = (
    ("Christopher", "Penelope", ("Arthur", "Victoria")),
    ("Andrew", "Christine", ("James", "Jennifer")),
    ("Arthur", "Margaret", ()),
    ("James", "Victoria", ("Colin", "Charlotte")),
    ("Charles", "Jennifer", ()),
)
ITALIAN = (
    ("Roberto", "Maria", ("Emilio", "Lucia")),
    ("Pierro", "Francesca", ("Marco", "Angela")),
    ("Emilio", "Gina", ()),
    ("Marco", "Lucia", ("Alfonso", "Sophia")),
    ("Tomaso", "Angela", ()),
)
MALE = {
    "Christopher",
    "Andrew",
    "Arthur",
    "James",
    "Charles",
    "Colin",
    "Roberto",
    "Pierro",
    "Emilio",
    "Marco",
    "Tomaso",
    "Alfonso",
}
# The order of the input/output units: the English tree, then its Italian image, so
# person k and person k + 12 hold the same place in the two trees.
PEOPLE = (
    "Christopher",
    "Penelope",
    "Andrew",
    "Christine",
    "Arthur",
    "Margaret",
    "Victoria",
    "James",
    "Jennifer",
    "Charles",
    "Colin",
    "Charlotte",
    "Roberto",
    "Maria",
    "Pierro",
    "Francesca",
    "Emilio",
    "Gina",
    "Lucia",
    "Marco",
    "Angela",
    "Tomaso",
    "Alfonso",
    "Sophia",
)
RELATIONSHIPS = (
    "father",
    "mother",
    "husband",
    "wife",
    "son",
    "daughter",
    "uncle",
    "aunt",
    "brother",
    "sister",
    "nephew",
    "niece",
)
# Features Fig. 4 names for the person-encoding units: nationality, generation, and the
# branch of the family (the Christopher-Penelope side vs the Andrew-Christine side; the
# grandchildren descend from both and have no branch: 0).
NATIONALITY = np.array([1.0] * 12 + [-1.0] * 12)
GENERATION = np.array([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3] * 2, dtype=float)
BRANCH = np.array([1, 1, -1, -1, 1, 1, 1, -1, -1, -1, 0, 0] * 2, dtype=float)


def _relations(tree: tuple) -> dict[tuple[str, str], set[str]]:
    """{(person1, relationship): {person2}} for one tree, from the definitions."""
    spouse, parents, children = {}, {}, {}
    for husband, wife, kids in tree:
        spouse[husband], spouse[wife] = wife, husband
        children[husband] = children[wife] = set(kids)
        for kid in kids:
            parents[kid] = {husband, wife}
    people = set(spouse) | set(parents)

    def siblings(p: str) -> set[str]:
        return {q for q in people if q != p and p in parents and parents.get(q) == parents[p]}

    def piblings(p: str) -> set[str]:  # parents' siblings and their spouses
        direct = {s for parent in parents.get(p, ()) for s in siblings(parent)}
        return direct | {spouse[s] for s in direct if s in spouse}

    def niblings(p: str) -> set[str]:  # children of one's own or one's spouse's siblings
        sibs = siblings(p) | (siblings(spouse[p]) if p in spouse else set())
        return {c for s in sibs for c in children.get(s, ())}

    male = {p: p in MALE for p in people}
    kin = {
        "father": lambda p: {q for q in parents.get(p, ()) if male[q]},
        "mother": lambda p: {q for q in parents.get(p, ()) if not male[q]},
        "husband": lambda p: {spouse[p]} if p in spouse and not male[p] else set(),
        "wife": lambda p: {spouse[p]} if p in spouse and male[p] else set(),
        "son": lambda p: {q for q in children.get(p, ()) if male[q]},
        "daughter": lambda p: {q for q in children.get(p, ()) if not male[q]},
        "uncle": lambda p: {q for q in piblings(p) if male[q]},
        "aunt": lambda p: {q for q in piblings(p) if not male[q]},
        "brother": lambda p: {q for q in siblings(p) if male[q]},
        "sister": lambda p: {q for q in siblings(p) if not male[q]},
        "nephew": lambda p: {q for q in niblings(p) if male[q]},
        "niece": lambda p: {q for q in niblings(p) if not male[q]},
    }
    return {(p, r): found for p in people for r in RELATIONSHIPS if (found := kin[r](p))}


@dataclass(frozen=True)
class FamilyData:
    """The 104 cases as unit vectors: person 1 (104, 24), relationship (104, 12), person 2
    (104, 24)."""

    person1: np.ndarray
    relationship: np.ndarray
    person2: np.ndarray
    queries: tuple[tuple[str, str], ...]


def family_cases() -> FamilyData:
    """Both trees' cases, in a fixed order (person, then relationship, as in
    PEOPLE/RELATIONSHIPS)."""
    facts = _relations(ENGLISH) | _relations(ITALIAN)
    queries = tuple((p, r) for p in PEOPLE for r in RELATIONSHIPS if (p, r) in facts)
    n = len(queries)
    person1 = np.zeros((n, len(PEOPLE)), np.float32)
    relationship = np.zeros((n, len(RELATIONSHIPS)), np.float32)
    person2 = np.zeros((n, len(PEOPLE)), np.float32)
    for c, (p, r) in enumerate(queries):
        person1[c, PEOPLE.index(p)] = 1.0
        relationship[c, RELATIONSHIPS.index(r)] = 1.0
        for q in facts[(p, r)]:
            person2[c, PEOPLE.index(q)] = 1.0
    return FamilyData(person1, relationship, person2, queries)


def family_net() -> Net:
    """Nature Fig. 3: 24 person units -> 6, 12 relationship units -> 6, both -> 12 -> 6 -> 24."""
    return Net(
        inputs=(("person1", 24), ("relationship", 12)),
        layers=(
            Layer("person_code", 6, ("person1",)),
            Layer("relationship_code", 6, ("relationship",)),
            Layer("central", 12, ("person_code", "relationship_code")),
            Layer("penultimate", 6, ("central",)),
            Layer("out", 24, ("penultimate",)),
        ),
    )
