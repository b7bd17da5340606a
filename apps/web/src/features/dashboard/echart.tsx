import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * Tooltips drawn by ECharts in the chart's SVG as text (`richText`) rather than as an HTML
 * element it fills with innerHTML: the titles and labels in them come from ledger definitions,
 * and an HTML tooltip would also need style attributes, which the Content-Security-Policy
 * refuses (docs/operations.md, "Security headers and definition texts").
 */
function withTextTooltip(option: ChartOption): ChartOption {
  const { tooltip } = option;
  if (!tooltip || typeof tooltip !== 'object' || Array.isArray(tooltip)) return option;
  // drawn inside the chart: kept within its bounds
  return { ...option, tooltip: { confine: true, ...tooltip, renderMode: 'richText' } };
}

/** What a click on a chart says: the series and the data item (a bar, a point), or an axis label. */
export interface ChartClick {
  componentType: string;
  seriesIndex?: number;
  dataIndex?: number;
  /** An axis label's text (with the axis' triggerEvent). */
  value?: unknown;
}

/**
 * One ECharts chart (SVG, so its Chinese labels are text), redrawn when its option changes;
 * `onClick` hears clicks on its bars and points (and on axis labels that ask for events).
 */
export function EChart({
  option,
  height = 280,
  label,
  onClick,
}: {
  option: ChartOption;
  height?: number;
  label: string;
  onClick?: (click: ChartClick) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clicked = useRef(onClick);
  useEffect(() => {
    clicked.current = onClick;
  }, [onClick]);

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    // the chart's box changes without the window too: a table beside it filling in takes its share
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize);
    observer?.observe(element.current);
    instance.on('click', (params) => clicked.current?.(params as ChartClick));
    return () => {
      window.removeEventListener('resize', resize);
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(withTextTooltip(option), true);
  }, [option]);
  useEffect(() => {
    chart.current?.resize();
  }, [height]);

  return <div ref={element} className="echart" style={{ height }} role="img" aria-label={label} />;
}
