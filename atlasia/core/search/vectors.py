"""Vector helpers for semantic search: float32 (de)serialisation and cosine top-k with NumPy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


def to_bytes(vector: npt.ArrayLike) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes, dim: int) -> Matrix:
    vector = np.frombuffer(data, dtype=np.float32)
    if vector.shape[0] != dim:
        raise ValueError(f"expected {dim} floats, got {vector.shape[0]}")
    return vector


def normalise_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


def top_k(
    matrix: Matrix, query: Matrix, k: int, mask: npt.NDArray[np.bool_] | None = None
) -> list[tuple[int, float]]:
    """Row indices of the ``k`` rows most similar to ``query`` (rows and query L2-normalised)."""
    if matrix.shape[0] == 0 or k <= 0:
        return []
    scores = matrix @ query
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return []
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return [(int(i), float(scores[i])) for i in idx]


def pairs_above(
    matrix: Matrix, groups: npt.NDArray[np.int64], threshold: float, block: int = 1024
) -> list[tuple[int, int, float]]:
    """Pairs (i < j) of rows from different groups whose cosine is at least ``threshold``, computed by
    blocks so that 10,000 rows never need a 10,000 × 10,000 matrix at once."""
    found: list[tuple[int, int, float]] = []
    n = matrix.shape[0]
    for start in range(0, n, block):
        sims = matrix[start : start + block] @ matrix.T
        rows, cols = np.nonzero(sims >= threshold)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i = start + r
            if i < c and groups[i] != groups[c]:
                found.append((i, c, float(sims[r, c])))
    found.sort(key=lambda t: -t[2])
    return found


def projection(dim: int, blocks: int, seed: int) -> Matrix:
    """``blocks`` random rotations of R^dim stacked (a ``(blocks × dim, dim)`` matrix): the directions
    whose signs make a binary signature (RaBitQ quantizes after one random rotation; each further
    rotation adds ``dim`` independent bits). Deterministic on every machine: NumPy's legacy
    ``RandomState`` stream is frozen, and the QR factor is made unique by a positive diagonal of R."""
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(blocks):
        q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
        out.append(q * np.where(np.diag(r) < 0, -1.0, 1.0))
    return np.vstack(out).astype(np.float32)


def _projected(matrix: npt.ArrayLike, centre: npt.ArrayLike | None, rotation: Matrix | None) -> Matrix:
    m = np.asarray(matrix, dtype=np.float32)
    if centre is not None:
        m = m - np.asarray(centre, dtype=np.float32)
    return m @ rotation.T if rotation is not None else m


def signature(
    vector: npt.ArrayLike, centre: npt.ArrayLike | None = None, rotation: Matrix | None = None
) -> bytes:
    """Binary signature of a vector: one bit per direction of ``rotation`` (or per dimension), set
    where the centred, rotated value is positive, packed most significant bit first.

    Why centre: the embeddings of one model share a large common direction (e5: 93 % of the catalogue's
    sign bits equal the sign of the mean vector), so raw signs carry little information; subtracting the
    model's mean passage vector makes each bit split the records about evenly. Why rotate: the signs of
    random directions spread the quantization error evenly over the bits (RaBitQ), and stacking
    several rotations gives more bits than dimensions.
    """
    return np.packbits(_projected(vector, centre, rotation) > 0).tobytes()


def signatures(
    matrix: Matrix, centre: npt.ArrayLike | None = None, rotation: Matrix | None = None
) -> npt.NDArray[np.uint8]:
    """Signatures of every row, as an ``(n, bits / 8)`` uint8 array."""
    return np.packbits(_projected(matrix, centre, rotation) > 0, axis=1)


def signature_factors(
    matrix: npt.ArrayLike, centre: npt.ArrayLike, rotation: Matrix
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Per-record ``(scale, offset)`` of the asymmetric estimate (RaBitQ's correction factors).

    For a normalised record ``v``, signs ``σ = sign(P(v − c))`` and a query ``q``:
    ``<v, q> = <v − c, q − c> + <v − c, c> + <c, q>``. The first term is estimated from the signs
    only, ``scale · <σ, P(q − c)>`` with ``scale = ‖v − c‖² / <σ, P(v − c)>`` (exact when ``q = v``);
    the second, ``offset``, is stored exactly; the third is the same for every record."""
    m = np.atleast_2d(np.asarray(matrix, dtype=np.float32))
    c = np.asarray(centre, dtype=np.float32)
    residual = m - c
    projected = residual @ rotation.T
    signed = np.abs(projected).sum(axis=1)  # = <σ, P(v − c)>
    signed[signed == 0] = 1.0
    scale = (residual * residual).sum(axis=1) / signed
    offset = residual @ c
    return scale.astype(np.float32), offset.astype(np.float32)


QUERY_BITS = 4


@dataclass(frozen=True)
class QueryCode:
    """A query prepared for the asymmetric estimate in SQL with bit operations only.

    ``x = P(q − c)`` is quantized to ``QUERY_BITS`` bits, ``x_j ≈ low + step · u_j``; ``planes[k]`` holds
    bit ``k`` of every ``u_j``. For a record's bits ``s`` (``σ = 2s − 1``):
    ``<σ, x> ≈ 2·low·popcount(s) + 2·step·Σ_k 2^k popcount(s & planes[k]) − Σ_j x_j``, so that the
    estimate ``scale · <σ, x> + offset`` needs ``QUERY_BITS + 1`` ``bit_count`` per record."""

    signs: bytes  # the query's own signature (the Hamming preselection)
    planes: tuple[bytes, ...]
    low: float
    step: float
    total: float  # Σ_j of the quantized x_j


def query_code(
    query: npt.ArrayLike, centre: npt.ArrayLike, rotation: Matrix, bits: int = QUERY_BITS
) -> QueryCode:
    x = _projected(query, centre, rotation).astype(np.float64)
    low, high = float(x.min()), float(x.max())
    levels = (1 << bits) - 1
    step = (high - low) / levels if high > low else 1.0
    u = np.clip(np.rint((x - low) / step), 0, levels).astype(np.int64)
    planes = tuple(np.packbits((u >> k) & 1).tobytes() for k in range(bits))
    total = float((low + u * step).sum())
    return QueryCode(np.packbits(x > 0).tobytes(), planes, low, step, total)


def estimate(
    codes: npt.NDArray[np.uint8],
    scale: npt.NDArray[np.float32],
    offset: npt.NDArray[np.float32],
    code: QueryCode,
) -> npt.NDArray[np.float64]:
    """What the SQL computes for every record (packed ``codes``), in NumPy (tests compare the two)."""
    ones = np.unpackbits(codes, axis=1).sum(axis=1).astype(np.float64)
    weighted = np.zeros(codes.shape[0], dtype=np.float64)
    for k, plane in enumerate(code.planes):
        mask = np.frombuffer(plane, dtype=np.uint8)
        weighted += (1 << k) * np.unpackbits(codes & mask, axis=1).sum(axis=1)
    dot = 2 * code.low * ones + 2 * code.step * weighted - code.total
    return scale.astype(np.float64) * dot + offset.astype(np.float64)


def hamming(codes: npt.NDArray[np.uint8], code: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """Hamming distance of every packed row of ``codes`` to ``code`` (what ``bit_count(a # b)`` gives)."""
    return np.unpackbits(np.bitwise_xor(codes, code), axis=1).sum(axis=1, dtype=np.int64)


def distance_quantile(distances: npt.NDArray[np.int64], rank: float) -> int | None:
    """The smallest distance ``d`` such that more than ``rank`` of ``distances`` are ``<= d`` (the
    threshold keeping about ``rank`` of them, ties included); ``None`` if they are not that many."""
    position = int(np.ceil(rank))
    if position >= len(distances):
        return None
    return int(np.partition(distances, position)[position])


def rescore(ids: npt.NDArray[np.int64], matrix: Matrix, query: Matrix, k: int) -> list[tuple[int, float]]:
    """Exact cosine of the candidates (rows L2-normalised here) to the query, best ``k`` first."""
    if len(ids) == 0:
        return []
    hits = top_k(normalise_rows(matrix), query, k)
    return [(int(ids[i]), score) for i, score in hits]
