"""What a school transfer pays, in the words a bank carries."""

# What a transfer pays, in the ASCII words banks carry: each kind of line, in full and short.
KIND_WORDS = {
    "tuition": ("HOC PHI", "HOC PHI"),
    "meals": ("TIEN AN", "TIEN AN"),
    "insurance": ("BAO HIEM", "BH"),
    "service": ("DICH VU", "DV"),
    "other": ("KHOAN THU", "KHAC"),
}
GENERAL_WORDS = "KHOAN THU"


def transfer_words(kinds: list[str], room: int) -> str:
    """What is paid, for the transfer text after the reference: the words of the kinds
    charged, in the order given, each in full or else short while they fit in room
    characters; 'KHOAN THU' when nothing is named (never 'HOC PHI' without tuition)."""
    words: list[str] = []
    for kind in dict.fromkeys(kinds):  # each kind once, first place kept
        full, short = KIND_WORDS.get(kind, (GENERAL_WORDS, GENERAL_WORDS))
        fitting = [w for w in (full, short) if len(" ".join([*words, w])) <= room]
        if not fitting:
            break
        if fitting[0] not in words:
            words.append(fitting[0])
    return " ".join(words) or GENERAL_WORDS[:room]
