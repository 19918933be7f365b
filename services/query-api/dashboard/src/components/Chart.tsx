import { useEffect, useRef } from "preact/hooks";
import { echarts, type ChartOption } from "./echarts";
import { download, fileSlug } from "../lib/csv";
import { useTheme } from "../lib/theme";

interface Props {
  title: string;
  /** What the chart shows, read by screen readers (the table beside it holds the values). */
  description: string;
  option: ChartOption;
  empty?: boolean;
  height?: number;
}

/** An ECharts chart with a title, a PNG export and an explicit empty state. */
export function Chart({ title, description, option, empty = false, height = 300 }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const theme = useTheme();

  useEffect(() => {
    if (empty || !host.current) return;
    const instance = echarts.init(host.current, theme === "dark" ? "dark" : undefined, {
      renderer: "canvas",
    });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [empty, theme]);

  useEffect(() => {
    chart.current?.setOption(
      { backgroundColor: "transparent", aria: { enabled: true }, animation: false, ...option },
      true,
    );
  }, [option, empty, theme]);

  const exportPng = () => {
    const instance = chart.current;
    if (!instance) return;
    const url = instance.getDataURL({
      type: "png",
      pixelRatio: 2,
      backgroundColor: theme === "dark" ? "#15181e" : "#ffffff",
    });
    void fetch(url)
      .then((r) => r.blob())
      .then((blob) => download(`${fileSlug(title)}.png`, blob));
  };

  return (
    <figure class="panel chart" aria-label={title}>
      <figcaption>
        <h2>{title}</h2>
        {!empty && (
          <button type="button" class="small" onClick={exportPng} aria-label={`Export ${title} as PNG`}>
            PNG
          </button>
        )}
      </figcaption>
      {empty ? (
        <p class="empty" role="status">
          No data for this selection: nothing to draw.
        </p>
      ) : (
        <div ref={host} class="chart-canvas" style={{ height }} role="img" aria-label={description} />
      )}
    </figure>
  );
}
