// The industry-chain map: an ECharts tree fed by transfer:chain_map_data; clicking a link
// shows its firms, demands and achievements in the side panel.
(function () {
  'use strict';
  const box = document.getElementById('chain-map');
  if (!box || !window.echarts) return;
  const title = document.getElementById('node-panel-title');
  const body = document.getElementById('node-panel-body');
  const chart = echarts.init(box);
  let data = null;

  function esc(text) {
    const span = document.createElement('span');
    span.textContent = text == null ? '' : String(text);
    return span.innerHTML;
  }

  function link(text, url) {
    return url ? `<a href="${esc(url)}">${esc(text)}</a>` : esc(text);
  }

  function section(heading, items, render, id) {
    const rows = items.length
      ? items.map((item) => `<li class="list-group-item px-0 py-1">${render(item)}</li>`).join('')
      : '<li class="list-group-item px-0 py-1 text-muted">无</li>';
    return `<h6 class="mt-2 mb-1">${esc(heading)}（${items.length}）</h6>` +
      `<ul class="list-group list-group-flush" id="${id}">${rows}</ul>`;
  }

  const firm = (f) => `${link(f.name, f.url)} <span class="text-muted">${esc(f.township)}</span>`;
  const demand = (d) =>
    `<span class="font-monospace">${esc(d.code)}</span> ${link(d.title, d.url)}` +
    ` <span class="badge text-bg-light">${esc(d.status)}</span>` +
    `<div class="text-muted">${esc(d.enterprise)}</div>`;
  const achievement = (a) =>
    `<span class="font-monospace">${esc(a.code)}</span> ${link(a.title, a.url)}` +
    ` <span class="badge text-bg-light">${esc(a.maturity)}</span>` +
    `<div class="text-muted">${esc(a.owner)}</div>`;

  function showNode(id) {
    const node = data.nodes[String(id)];
    if (!node) return;
    title.textContent = `${node.stage_label} · ${node.name}`;
    let html = node.keywords ? `<p class="text-muted mb-1">关键词：${esc(node.keywords)}</p>` : '';
    html += section('企业', node.enterprises, firm, 'node-enterprises');
    html += section('技术需求', node.demands, demand, 'node-demands');
    html += section('科技成果', node.achievements, achievement, 'node-achievements');
    if (box.dataset.editUrl) {
      html += `<a class="btn btn-outline-primary btn-sm mt-2" href="${esc(box.dataset.editUrl)}?node=${node.id}#node-forms">编辑环节 / 分配企业</a>`;
    }
    body.innerHTML = html;
    body.dataset.node = node.id;
  }

  function showChain() {
    const c = data.chain.counts;
    title.textContent = data.chain.name;
    let html = `<p class="mb-1">环节 ${c.nodes} 个 · 企业 ${c.enterprises} 家 · 技术需求 ${c.demands} 项 · 科技成果 ${c.achievements} 项</p>`;
    html += section('未归入环节的技术需求', data.unplaced.demands, demand, 'node-demands');
    html += section('未归入环节的科技成果', data.unplaced.achievements, achievement, 'node-achievements');
    body.innerHTML = html;
    delete body.dataset.node;
  }

  function showStage(stage) {
    const c = stage.counts;
    title.textContent = `${data.chain.name} · ${stage.name}`;
    body.innerHTML = `<p class="mb-0">环节 ${c.nodes} 个 · 企业 ${c.enterprises} 家 · 技术需求 ${c.demands} 项 · 科技成果 ${c.achievements} 项</p>`;
    delete body.dataset.node;
  }

  function label(params) {
    const d = params.data;
    if (d.kind === 'node') {
      return `${d.name}  {counts|需${d.counts.demands}·果${d.counts.achievements}}`;
    }
    if (d.kind === 'stage') return `{stage|${d.name}}`;
    return d.name;
  }

  function tooltip(params) {
    const d = params.data;
    if (d.kind === 'node') {
      const c = d.counts;
      return `${esc(d.name)}<br>企业 ${c.enterprises} 家 · 技术需求 ${c.demands} 项 · 科技成果 ${c.achievements} 项`;
    }
    if (d.kind === 'stage' || d.kind === 'chain') {
      const c = d.kind === 'chain' ? data.chain.counts : d.counts;
      return `${esc(d.name)}<br>环节 ${c.nodes} 个 · 技术需求 ${c.demands} 项 · 科技成果 ${c.achievements} 项`;
    }
    return esc(d.name);
  }

  chart.on('click', (params) => {
    const d = params.data || {};
    if (d.node) showNode(d.node);
    else if (d.kind === 'stage') showStage(d);
    else if (d.kind === 'chain') showChain();
  });
  window.addEventListener('resize', () => chart.resize());

  fetch(box.dataset.url, {headers: {Accept: 'application/json'}, credentials: 'same-origin'})
    .then((response) => {
      if (!response.ok) throw new Error(`产业链图谱数据加载失败（${response.status}）`);
      return response.json();
    })
    .then((json) => {
      data = json;
      document.getElementById('chain-map-empty').hidden = json.chain.counts.nodes > 0;
      chart.setOption({
        tooltip: {trigger: 'item', triggerOn: 'mousemove', formatter: tooltip},
        series: [{
          type: 'tree',
          // The chain's name sits left of the root; other branches carry their label on top so
          // it never runs over the edges; leaves (firms, links without sub-links) to the right.
          data: [Object.assign({}, json.tree, {
            label: {position: 'left', align: 'right', verticalAlign: 'middle'},
          })],
          orient: 'LR',
          top: 20, bottom: 20, left: 110, right: 200,
          initialTreeDepth: -1,
          expandAndCollapse: true,
          symbolSize: 11,
          roam: true,
          label: {
            position: 'top', align: 'center', verticalAlign: 'bottom', distance: 6, fontSize: 13,
            formatter: label,
            rich: {counts: {color: '#6c757d', fontSize: 11}, stage: {fontWeight: 'bold', fontSize: 14}},
          },
          leaves: {label: {position: 'right', verticalAlign: 'middle', align: 'left'}},
          emphasis: {focus: 'descendant'},
          animationDuration: 300,
          animationDurationUpdate: 400,
        }],
      });
      box.dataset.ready = '1';
      showChain();
    })
    .catch((error) => {
      body.textContent = error.message;
      throw error;
    });
})();
