import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** A colour of the console's theme (light or dark, as the OS says), read when the chart is drawn. */
function themeColour(name: string, fallback: string): string {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * Bars of one series with uPlot, as wide as their box (redrawn when it resizes: a phone's 390 px
 * too) and in the theme's colours. `label` names the chart for screen readers; the figures are
 * also in the table beside it.
 */
export function BarChart({ labels, values, label, height = 220 }: { labels: string[]; values: number[]; label: string; height?: number }) {
	const box = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const element = box.current;
		if (!element) return;
		const text = themeColour("--muted", "#52525b");
		const grid = themeColour("--border", "#e4e4e7");
		const accent = themeColour("--accent", "#4f46e5");
		const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: "12px system-ui, sans-serif" };
		const every = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor(element.clientWidth / 56))));
		const chart = new uPlot(
			{
				width: Math.max(200, element.clientWidth),
				height,
				legend: { show: false },
				cursor: { show: true, drag: { x: false, y: false } },
				scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
				axes: [
					{ ...axis, splits: () => labels.map((_, i) => i).filter((i) => i % every === 0), values: (_u, splits) => splits.map((i) => labels[i] ?? "") },
					{ ...axis, size: 44, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")) },
				],
				series: [{}, { label, fill: accent, stroke: accent, width: 0, paths: uPlot.paths.bars?.({ size: [0.7, 48] }), points: { show: false } }],
			},
			[labels.map((_, i) => i), values],
			element,
		);
		const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height }));
		resize.observe(element);
		return () => {
			resize.disconnect();
			chart.destroy();
		};
	}, [labels, values, label, height]);
	return <div class="report-chart" ref={box} role="img" aria-label={label} />;
}
