// The dashboard's charts and tables, fed by the indicators API.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("dashboard-config").textContent);
  const trendChart = echarts.init(document.getElementById("trend-chart"));
  const yearlyChart = echarts.init(document.getElementById("yearly-chart"));
  const picker = document.getElementById("chart-indicator");
  const months = Array.from({ length: 12 }, (_, i) => (i + 1) + "月");

  function get(url, params) {
    const query = new URLSearchParams(params).toString();
    return fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))));
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "—" : text;
    return td;
  }

  function drawTrend(data) {
    trendChart.setOption({
      title: { text: data.name + "（1月起累计，" + data.display_unit + "）", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      legend: { top: 24 },
      grid: { top: 60, left: 50, right: 20, bottom: 30 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value" },
      series: data.years.map((y) => ({ name: y.year + "年", type: "line", connectNulls: false, data: y.display_values })),
    }, true);
  }

  function drawYearly(data) {
    yearlyChart.setOption({
      title: { text: data.name + "（全年，" + data.display_unit + "）", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      grid: { top: 40, left: 50, right: 20, bottom: 30 },
      xAxis: { type: "category", data: data.years.map((y) => y.year + "年") },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: data.years.map((y) => y.display_value) }],
    }, true);
  }

  function fillRanking(data) {
    const body = document.querySelector("#ranking-table tbody");
    if (!body) return;
    body.replaceChildren(...data.rows.map((row) => {
      const tr = document.createElement("tr");
      if (row.region === config.region) tr.className = "table-primary";
      tr.append(cell(row.position ? row.position + " / " + row.of : "无数据"), cell(row.region_name),
        cell(row.display), cell(row.yoy_display),
        cell(row.gap_to_above === null || row.gap_to_above === undefined ? null : row.gap_to_above + " 个百分点"));
      return tr;
    }));
  }

  function fillChildren(data) {
    const table = document.getElementById("children-table");
    if (!table || !data.children.length) return;
    const head = document.createElement("tr");
    head.append(cell("区域"), ...data.children[0].indicators.map((i) => cell(i.name)));
    table.tHead.replaceChildren(head);
    table.tBodies[0].replaceChildren(...data.children.map((child) => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      const link = document.createElement("a");
      link.href = config.urls.page + "?" + new URLSearchParams({ region: child.region, period: config.period });
      link.textContent = child.region_name;
      name.append(link);
      tr.append(name, ...child.indicators.map((i) => cell(i.display)));
      return tr;
    }));
  }

  function show(code) {
    const years = config.years.slice(-3).join(",");
    get(config.urls.trend, { region: config.region, indicator: code, years: years }).then(drawTrend);
    get(config.urls.yearly, { region: config.region, indicator: code }).then(drawYearly);
    if (config.parent) {
      get(config.urls.ranking, { parent: config.parent, indicator: code, period: config.period })
        .then(fillRanking).catch(() => {});
    }
  }

  picker.addEventListener("change", () => show(picker.value));
  window.addEventListener("resize", () => { trendChart.resize(); yearlyChart.resize(); });
  show(picker.value);
  function fillFigures(rows) {
    const table = document.getElementById("figures-table");
    // The indicators have their own cards above; the table holds the work figures.
    const work = rows.filter((row) => !row.code.startsWith("indicators."));
    table.tBodies[0].replaceChildren(...work.map((row) => {
      const tr = document.createElement("tr");
      const value = document.createElement("td");
      const link = document.createElement("a");
      link.href = row.source;
      link.textContent = row.display;
      value.append(link);
      tr.append(cell(row.name), value);
      return tr;
    }));
  }

  if (config.urls.figures) {
    get(config.urls.figures, { region: config.region, period: config.period }).then(fillFigures);
  }
  if (document.getElementById("children-table")) {
    get(config.urls.children, { region: config.region, period: config.period }).then(fillChildren);
  }
})();
