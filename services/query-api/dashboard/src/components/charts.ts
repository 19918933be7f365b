// Chart options built from answers; one place for axes, tooltips and number formats.
import type { ChartOption } from "./echarts";
import { money, month, percent, short, type Kind } from "../lib/format";

export function axisFormatter(kind: Kind): (v: number) => string {
  return (v: number) => short(kind, v);
}

export function lineOption(
  categories: string[],
  series: { name: string; data: (number | null)[]; kind: Kind }[],
): ChartOption {
  const kinds = [...new Set(series.map((s) => s.kind))];
  return {
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => (typeof v === "number" ? v.toLocaleString("en-KE") : "—"),
    },
    legend: { top: 0 },
    grid: { left: 64, right: kinds.length > 1 ? 64 : 16, top: 36, bottom: 32 },
    xAxis: { type: "category", data: categories.map(month) },
    yAxis: kinds.map((k, i) => ({
      type: "value",
      position: i === 0 ? "left" : "right",
      axisLabel: { formatter: axisFormatter(k) },
      splitLine: { show: i === 0 },
    })),
    series: series.map((s) => ({
      name: s.name,
      type: "line",
      smooth: true,
      showSymbol: categories.length < 40,
      yAxisIndex: kinds.indexOf(s.kind),
      data: s.data,
    })),
  };
}

export function barOption(labels: string[], values: (number | null)[], kind: Kind, name: string): ChartOption {
  return {
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v: unknown) => (typeof v === "number" ? v.toLocaleString("en-KE") : "—"),
    },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: "value", axisLabel: { formatter: axisFormatter(kind) } },
    yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
    series: [{ name, type: "bar", data: values }],
  };
}

export function heatmapOption(
  rows: string[],
  columns: string[],
  cells: [number, number, number | null][],
  kind: Kind,
): ChartOption {
  const values = cells.map((c) => c[2]).filter((v): v is number => v != null);
  return {
    tooltip: {
      formatter: (p: { data: [number, number, number | null] }) =>
        `${rows[p.data[1]] ?? ""} · ${columns[p.data[0]] ?? ""}: ${short(kind, p.data[2])}`,
    },
    grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
    xAxis: { type: "category", data: columns, axisLabel: { rotate: 30 } },
    yAxis: { type: "category", data: rows },
    visualMap: {
      min: values.length ? Math.min(...values) : 0,
      max: values.length ? Math.max(...values) : 1,
      calculable: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      formatter: (v: number) => (kind === "money" ? money(v) : kind === "percent" ? percent(v) : short(kind, v)),
    },
    series: [{ type: "heatmap", data: cells, label: { show: false } }],
  };
}
