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

/** One ECharts chart (SVG, so its Chinese labels are text), redrawn when its option changes. */
export function EChart({ option, height = 280, label }: { option: ChartOption; height?: number; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(withTextTooltip(option), true);
  }, [option]);

  return <div ref={element} className="echart" style={{ height }} role="img" aria-label={label} />;
}
