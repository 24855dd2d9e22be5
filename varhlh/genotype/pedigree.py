"""PED files: parse, validate, and find the proband's family.

Standard 6-column PED (family, individual, father, mother, sex, phenotype), tab- or
space-separated, ``#`` lines ignored. Sex 1 = male, 2 = female, 0/other-unknown; phenotype
2 = affected, 1 = unaffected, 0/-9 = unknown. Every problem is an :class:`InputError` naming
file and line. A UTF-8 byte-order mark (what spreadsheet programs write) is not part of the first
family id; a person who is their own parent, has one person as both parents, or is their own ancestor
(a parent/child cycle) is refused: no pedigree can be like that, so the file is corrupt. The file is
read once, at most :data:`varhlh.fileio.TABLE_LIMIT` bytes. Only the proband's family is analysed;
other families in the file are named in a warning (a cohort run analyses each family separately).
:func:`relatives` is the policy of which relatives are used: genotyped parents and unaffected full
siblings present in the VCF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from varhlh.errors import InputError, printable, shown
from varhlh.fileio import TABLE_LIMIT, read_text
from varhlh.models import Family, Sex

_SEX = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN, "-9": Sex.UNKNOWN, "other": Sex.UNKNOWN}
_AFFECTED = {"2": True, "1": False, "0": None, "-9": None}


@dataclass(frozen=True)
class Person:
    family: str
    id: str
    father: str | None
    mother: str | None
    sex: Sex
    affected: bool | None


@dataclass(frozen=True)
class Pedigree:
    path: str
    people: tuple[Person, ...]

    def get(self, sample: str) -> Person | None:
        return next((p for p in self.people if p.id == sample), None)

    def family_of(self, sample: str) -> tuple[Person, ...]:
        person = self.get(sample)
        return tuple(p for p in self.people if person is not None and p.family == person.family)

    def siblings(self, person: Person) -> tuple[Person, ...]:
        """Full siblings: same father and mother, both known."""
        if person.father is None or person.mother is None:
            return ()
        return tuple(p for p in self.people if p.id != person.id and p.father == person.father
                     and p.mother == person.mother)


def read_ped(path: Path) -> Pedigree:
    text = read_text(path, TABLE_LIMIT, what="PED file", fix="check the --ped path", error=InputError,
                     encoding="utf-8-sig")  # -sig: a leading BOM is not part of the id
    people: list[Person] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        person = _person(path, number, line.split())
        if person.id in seen:
            msg = f"{path}: line {number}: individual {shown(person.id)} is listed twice"
            raise InputError(msg)
        if person.id in (person.father, person.mother):
            msg = (f"{path}: line {number}: individual {shown(person.id)} is given as their own parent; fix the parent "
                   "columns")
            raise InputError(msg)
        if person.father is not None and person.father == person.mother:
            msg = (f"{path}: line {number}: {shown(person.father)} is both father and mother of "
                   f"{shown(person.id)}; fix the parent columns")
            raise InputError(msg)
        seen.add(person.id)
        people.append(person)
    if not people:
        msg = f"{path}: no individuals; a PED needs one line per person with 6 columns"
        raise InputError(msg)
    pedigree = Pedigree(str(path), tuple(people))
    _check_parents(pedigree)
    _check_cycles(pedigree)
    return pedigree


def _check_cycles(pedigree: Pedigree) -> None:
    """Refuse a person who is their own ancestor (A is B's parent and B is A's, or longer loops)."""
    parents = {p.id: [q for q in (p.father, p.mother) if q is not None] for p in pedigree.people}
    done: set[str] = set()
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                if node in done:
                    continue
                path.append(node)
                on_path.add(node)
            ups = parents.get(node, [])
            if i < len(ups):
                stack.append((node, i + 1))
                nxt = ups[i]
                if nxt in on_path:
                    loop = [*path[path.index(nxt):], nxt]
                    msg = (f"{pedigree.path}: {' -> '.join(map(shown, reversed(loop)))}: a person is their own "
                           "ancestor (a parent/child cycle); fix the parent columns")
                    raise InputError(msg)
                if nxt not in done:
                    stack.append((nxt, 0))
            else:
                path.pop()
                on_path.discard(node)
                done.add(node)


def _person(path: Path, number: int, fields: list[str]) -> Person:
    if len(fields) < 6:
        msg = (f"{path}: line {number}: {len(fields)} columns, a PED line needs 6 (family, individual, "
               "father, mother, sex, phenotype)")
        raise InputError(msg)
    family, individual, father, mother, sex, phenotype = fields[:6]
    if sex not in _SEX:
        msg = f"{path}: line {number}: sex {shown(sex)} must be 1 (male), 2 (female) or 0 (unknown)"
        raise InputError(msg)
    if phenotype not in _AFFECTED:
        msg = f"{path}: line {number}: phenotype {shown(phenotype)} must be 2 (affected), 1 (unaffected), 0 or -9"
        raise InputError(msg)
    return Person(family, individual, None if father in ("0", ".") else father,
                  None if mother in ("0", ".") else mother, _SEX[sex], _AFFECTED[phenotype])


def _check_parents(pedigree: Pedigree) -> None:
    for person in pedigree.people:
        for role, parent_id, expected in (("father", person.father, Sex.FEMALE), ("mother", person.mother, Sex.MALE)):
            parent = pedigree.get(parent_id) if parent_id else None
            if parent is not None and parent.sex is expected:
                msg = (f"{pedigree.path}: {person.id}'s {role} {parent.id} has sex {parent.sex} in the PED; "
                       "fix the sex column or the parent columns")
                raise InputError(msg)


def choose_proband(vcf_samples: Sequence[str], requested: str | None, pedigree: Pedigree | None,
                   source: str) -> str:
    """The sample to analyse: ``-s``, the only sample, or the PED's only affected sample in the VCF."""
    if requested is not None:
        if requested not in vcf_samples:
            msg = f"{source}: sample {shown(requested)} is not in the VCF; available: {_listed(vcf_samples)}"
            raise InputError(msg)
        return requested
    if len(vcf_samples) == 1:
        return vcf_samples[0]
    if not vcf_samples:
        msg = f"{source}: the VCF has no sample columns (sites-only); varhlh needs genotypes"
        raise InputError(msg)
    if pedigree is not None:
        affected = [p.id for p in pedigree.people if p.affected and p.id in vcf_samples]
        if len(affected) == 1:
            return affected[0]
        msg = (f"{source}: {len(vcf_samples)} samples and the PED names {len(affected)} affected of them "
               f"({', '.join(affected) or 'none'}); choose one with -s SAMPLE")
        raise InputError(msg)
    msg = f"{source}: {len(vcf_samples)} samples; choose one with -s SAMPLE (available: {_listed(vcf_samples)})"
    raise InputError(msg)


def _listed(samples: Sequence[str], limit: int = 20) -> str:
    """Sample names for a message: escaped, cut, at most ``limit`` of them."""
    shown_names = ", ".join(printable(s if len(s) <= 40 else s[:40] + "…") for s in samples[:limit])
    return shown_names + (f" and {len(samples) - limit} more" if len(samples) > limit else "")


def relatives(pedigree: Pedigree | None, proband: str, samples: Sequence[str],
              warnings: list[str]) -> tuple[Family, list[str]]:
    """The relatives used for phase and segregation: the proband's genotyped father and mother and their
    unaffected full siblings present in the VCF (and the sample IDs to read: father, mother, siblings).

    Only the proband's family is analysed; other families, PED members absent from the VCF, a proband
    missing from the PED or marked unaffected are named in ``warnings``. A PED that names none of the
    VCF's samples is refused (it belongs to another VCF).
    """
    if pedigree is None:
        return Family(), []
    if not any(p.id in samples for p in pedigree.people):
        msg = (f"{pedigree.path}: none of its individuals ({', '.join(p.id for p in pedigree.people[:5])}…) is a "
               f"sample of the VCF ({', '.join(samples[:5])}…); use the PED that belongs to this VCF")
        raise InputError(msg)
    person = pedigree.get(proband)
    if person is None:
        warnings.append(f"The proband {proband} is not in the PED {pedigree.path}: family data not used.")
        return Family(), []
    if person.affected is False:
        warnings.append(f"The analysed sample {proband} is unaffected in the PED {pedigree.path}.")
    relatives = pedigree.family_of(proband)
    others = sorted({p.family for p in pedigree.people} - {person.family})
    if others:
        warnings.append(f"The PED holds {len(others) + 1} families; only {person.family} (the proband's) was "
                        f"analysed. Others: {', '.join(others)} (run varhlh once per proband).")
    absent = [p.id for p in relatives if p.id not in samples]
    if absent:
        warnings.append(f"PED member(s) not in the VCF, treated as not genotyped: {', '.join(absent)}.")
    present = set(samples)
    father = person.father if person.father in present else None
    mother = person.mother if person.mother in present else None
    unaffected = tuple(s.id for s in pedigree.siblings(person) if s.affected is False and s.id in present)
    members = [m for m in (father, mother, *unaffected) if m is not None]
    return Family(father, mother, unaffected), members
