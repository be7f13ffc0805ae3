"""Charts drawn on the server as SVG: no script, no CDN, prints as it shows. Pure."""

from html import escape

from market.money import format_number

GREEN, GREY, INK = "#0b6e4f", "#5c6b63", "#1d2a24"  # the year-earlier line: 3:1 on white


def monthly_bars(labels: list[str], current: list[int], previous: list[int], title: str) -> str:
    """Bars for this period's months, last year's as a line over them. Drawn narrow, with
    12-unit text, so that a phone's 340 px still shows it at about 10 px; a month label
    every few bars when there are more than a dozen."""
    width, height, left, bottom, top = 420, 240, 58, 30, 16
    every = -(-len(labels) // 12)
    peak = max([*current, *previous, 1])
    step = (width - left - 10) / max(len(labels), 1)
    bar = step * 0.6

    def y(value: int) -> float:
        return top + (height - top - bottom) * (1 - value / peak)

    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        *_gridlines(peak, y, left, width - 10),
    ]
    points = []
    for i, (label, value, old) in enumerate(zip(labels, current, previous, strict=True)):
        x = left + i * step + (step - bar) / 2
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y(value):.1f}" width="{bar:.1f}" '
            f'height="{y(0) - y(value):.1f}" fill="{GREEN}"><title>{escape(label)}: '
            f"{format_number(value)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" font-size="12" '
                f'text-anchor="middle" fill="{INK}">{escape(label)}</text>'
            )
        points.append(f"{x + bar / 2:.1f},{y(old):.1f}")
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{GREY}" '
            f'stroke-width="2.5" stroke-dasharray="6 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _gridlines(peak: int, y, left: int, right: int) -> list[str]:
    """Lines at zero, half and the peak, each labelled with its value on the left."""
    return [
        f'<line x1="{left}" x2="{right}" y1="{y(value):.1f}" '
        f'y2="{y(value):.1f}" stroke="#e3e9e5"/><text x="{left - 6}" '
        f'y="{y(value) + 4:.1f}" text-anchor="end" font-size="12" '
        f'fill="{INK}">{format_number(value)}</text>'
        for value in (round(peak * fraction) for fraction in (0, 0.5, 1))
    ]


def horizontal_bars(rows: list[tuple[str, int]], title: str) -> str:
    """One bar per label, longest first, value written at its end."""
    rows = sorted(rows, key=lambda r: -r[1])[:15]
    width, line, label_width = 640, 26, 170
    height = line * max(len(rows), 1) + 10
    peak = max([v for _, v in rows] + [1])
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * line
        length = (width - label_width - 80) * value / peak
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" '
            f'font-size="12" fill="{INK}">{escape(str(label))}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="16" '
            f'fill="{GREEN}"/><text x="{label_width + length + 6:.1f}" y="{y + 16}" '
            f'font-size="12" fill="{INK}">{format_number(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
