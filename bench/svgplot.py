"""A small line chart written as SVG (no plotting library): latency percentiles against the request rate."""

from html import escape

WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 160, 50, 60
COLOURS = ("#1b6ca8", "#d9822b", "#c23030", "#5b8c2a")


def _ticks(top: float, count: int = 5) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(top / step) + 2)]


def line_chart(
    *, title: str, x_label: str, y_label: str, series: dict[str, list[tuple[float, float]]], limit: float | None = None
) -> str:
    """SVG text: one polyline with dots per series, axes with ticks, and a dashed horizontal line at `limit`."""
    points = [point for values in series.values() for point in values]
    x_ticks = _ticks(max((x for x, _ in points), default=1) * 1.05)
    y_ticks = _ticks(max([y for _, y in points] + [limit or 0]) * 1.05)
    x_max, y_max = x_ticks[-1] or 1, y_ticks[-1] or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x):
        return LEFT + x / x_max * plot_w

    def sy(y):
        return TOP + plot_h - y / y_max * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="sans-serif" font-size="12" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
    ]
    for tick in x_ticks:
        out.append(f'<line x1="{sx(tick):.1f}" y1="{TOP}" x2="{sx(tick):.1f}" y2="{TOP + plot_h}" stroke="#eee"/>')
        out.append(f'<text x="{sx(tick):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{tick:g}</text>')
    for tick in y_ticks:
        out.append(f'<line x1="{LEFT}" y1="{sy(tick):.1f}" x2="{LEFT + plot_w}" y2="{sy(tick):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 8}" y="{sy(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#444"/>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 18}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(
        f'<text x="18" y="{TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {TOP + plot_h / 2})">{escape(y_label)}</text>'
    )
    if limit is not None:
        out.append(f'<line x1="{LEFT}" y1="{sy(limit):.1f}" x2="{LEFT + plot_w}" y2="{sy(limit):.1f}" '
                   f'stroke="#000" stroke-dasharray="6 4"/>')  # fmt: skip
        out.append(f'<text x="{LEFT + plot_w - 4}" y="{sy(limit) - 6:.1f}" text-anchor="end">{limit:g} ms</text>')
    for index, (name, values) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in values)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out.extend(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>' for x, y in values)
        legend_y = TOP + 10 + index * 20
        out.append(f'<line x1="{WIDTH - RIGHT + 15}" y1="{legend_y}" x2="{WIDTH - RIGHT + 40}" y2="{legend_y}" '
                   f'stroke="{colour}" stroke-width="2"/>')  # fmt: skip
        out.append(f'<text x="{WIDTH - RIGHT + 46}" y="{legend_y + 4}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
