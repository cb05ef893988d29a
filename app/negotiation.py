"""Weights of `Accept` and `Accept-Language` entries (RFC 9110 §12.4.2), for the places that
pick a format or a language from them."""


def weight(params: list[str]) -> float:
    """The `q` of one entry's parameters (`["q=0.8"]`): 1 when absent, 0 when unreadable,
    within 0–1."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
