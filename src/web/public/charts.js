// Charts drawn with Apache ECharts (served from node_modules as /vendor/echarts.min.js).
// ECharts knows only UTC and the browser's zone, so instants are shifted to the
// plan zone's wall clock and drawn as UTC: the axis reads as the plan reads.
import { getLang, L, t } from './i18n.js';
import { fmtDeadline, LIGHT_COLORS, lightOf, zoneOffset } from './util.js';

const live = new Set();

/** An ECharts instance on `el`, resized with it and disposed with the page (disposeCharts). */
export function init(el) {
  const chart = globalThis.echarts.init(el, null, { renderer: 'canvas', locale: getLang() === 'zh' ? 'ZH' : 'EN' });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  live.add({ chart, observer });
  return chart;
}

/** Disposes every chart of the previous page. */
export function disposeCharts() {
  for (const { chart, observer } of live) {
    observer.disconnect();
    chart.dispose();
  }
  live.clear();
}

const LIGHT_ORDER = ['red', 'yellow', 'green', 'awaiting', 'done', 'idle'];
const LIGHT_KEY = {
  red: 'lightRed',
  yellow: 'lightYellow',
  green: 'lightGreen',
  awaiting: 'lightAwaiting',
  done: 'lightDone',
  idle: 'lightIdle',
};
const PHASE_BANDS = ['rgba(64,120,200,0.10)', 'rgba(64,160,120,0.10)', 'rgba(220,150,40,0.10)', 'rgba(150,90,190,0.10)'];

/**
 * The plan's phases as bands on a time axis, each task's deadline as a dot in its
 * department's row, coloured by its light, and today as a vertical line.
 */
export function timelineChart(el, { phases, tasks, now, zone, unitName, onTask }) {
  const wall = (ms) => ms + zoneOffset(ms, zone);
  const departments = [...new Set(tasks.map((task) => task.leadDepartment))];
  const rows = departments.map(unitName);
  const times = [...phases.flatMap((p) => [p.startMs, p.endMs]), ...tasks.map((task) => task.deadlineMs), now].filter(Number.isFinite);
  const span = Math.max(...times) - Math.min(...times);
  const pad = Math.max(span * 0.02, 60_000);
  const series = LIGHT_ORDER.map((light) => ({
    name: t(LIGHT_KEY[light]),
    type: 'scatter',
    symbolSize: 14,
    itemStyle: { color: LIGHT_COLORS[light], borderColor: '#fff', borderWidth: 1 },
    data: tasks
      .filter((task) => lightOf(task.supervision) === light)
      .map((task) => ({ value: [wall(task.deadlineMs), unitName(task.leadDepartment)], task })),
  }));
  const xMin = Math.min(...times) - pad;
  const xMax = Math.max(...times) + pad;
  // A phase's name wraps inside its band: on a phone a band is a few characters wide.
  const plotWidth = Math.max(el.clientWidth - 120, 100);
  const bandWidth = (p) => Math.max(((Math.min(p.endMs, xMax) - Math.max(p.startMs, xMin)) / (xMax - xMin)) * plotWidth - 6, 14);
  series[0].markArea = {
    silent: true,
    data: phases.map((p, i) => [
      {
        name: L('phase', p.key),
        xAxis: wall(p.startMs),
        itemStyle: { color: PHASE_BANDS[i % PHASE_BANDS.length] },
        label: { position: 'insideTop', color: '#444', fontSize: 12, width: bandWidth(p), overflow: 'break', lineHeight: 14 },
      },
      { xAxis: wall(p.endMs) },
    ]),
  };
  series[0].markLine = {
    silent: true,
    symbol: 'none',
    lineStyle: { color: '#d03b3b', type: 'solid', width: 2 },
    label: { formatter: t('today'), position: 'end', color: '#d03b3b' },
    data: [{ xAxis: wall(now) }],
  };
  const chart = init(el);
  chart.setOption({
    useUTC: true,
    animation: false,
    grid: { left: 8, right: 24, top: el.clientWidth < 600 ? 64 : 40, bottom: 28, containLabel: true },
    legend: { top: 0, left: 'center', itemWidth: 10, itemHeight: 10, data: series.filter((s) => s.data.length > 0).map((s) => s.name) },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => {
        const task = p.data?.task;
        if (!task) return '';
        const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
        return `<b>${esc(task.title)}</b><br>${esc(t('deadline'))}: ${fmtDeadline(task.deadlineMs, zone)}<br>${esc(L('supervision', task.supervision))} · ${esc(L('work', task.work))}`;
      },
    },
    xAxis: { type: 'time', min: wall(xMin), max: wall(xMax), splitLine: { show: false }, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: rows, axisTick: { show: false }, splitLine: { show: true, lineStyle: { color: '#eef0f3' } } },
    series,
  });
  chart.on('click', (p) => p.data?.task && onTask?.(p.data.task));
  return chart;
}

/** How many tasks are red, yellow, green, with their reviewer, closed and not started. */
export function statusChart(el, counts) {
  const chart = init(el);
  const data = LIGHT_ORDER.map((light) => ({
    name: t(LIGHT_KEY[light]),
    value: counts[light] ?? 0,
    itemStyle: { color: LIGHT_COLORS[light] },
  }));
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, left: 'center', itemWidth: 10, itemHeight: 10 },
    series: [
      {
        type: 'pie',
        radius: ['45%', '72%'],
        center: ['50%', '44%'],
        label: { formatter: '{c}', fontSize: 13 },
        data: data.filter((d) => d.value > 0),
      },
    ],
  });
  return chart;
}

/** Overdue tasks on each rung of the ladder. */
export function rungChart(el, byRung, rungs) {
  const chart = init(el);
  const keys = rungs.map((_, i) => String(i + 1));
  const shades = ['#f0a3a3', '#e06c6c', '#c83d3d', '#8f1d1d'];
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: keys.map((k, i) => `${t('rungN', { n: k })}\n${L('rungAction', rungs[i]?.action ?? '')}`),
      axisLabel: { interval: 0, fontSize: 11, lineHeight: 14, width: Math.max(el.clientWidth / keys.length - 12, 40), overflow: 'break' },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        barMaxWidth: 36,
        data: keys.map((k, i) => ({ value: byRung[k] ?? 0, itemStyle: { color: shades[Math.min(i, shades.length - 1)] } })),
        label: { show: true, position: 'top' },
      },
    ],
  });
  return chart;
}
