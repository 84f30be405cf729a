extension DashboardAssets {
    /// The page script: fetches the JSON API, draws SVG charts, follows `/api/events` and drives the controls.
    static let script = #"""
        "use strict";
        const NS = "http://www.w3.org/2000/svg";
        const $ = (id) => document.getElementById(id);
        const fmt = (n) => n == null ? "unknown" : Number(n).toLocaleString("en-US");
        function el(tag, attrs, text) {
          const node = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
          if (text != null) node.textContent = text;
          return node;
        }
        function svgEl(tag, attrs, text) {
          const node = document.createElementNS(NS, tag);
          for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
          if (text != null) node.textContent = text;
          return node;
        }
        async function getJSON(url, options) {
          const response = await fetch(url, options);
          const body = await response.json();
          if (!response.ok) throw new Error(body && body.error ? body.error.message : response.statusText);
          return body;
        }
        function niceMax(value) {
          // A maximum whose fifths are round numbers.
          if (value <= 5) return 5;
          const power = Math.pow(10, Math.floor(Math.log10(value)));
          for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
          return 10 * power;
        }
        function frame(container, xLabel, yLabel, max) {
          // Drawn at the container's width (one SVG unit per CSS pixel), so labels keep their size on any screen.
          const W = Math.max(280, Math.round(container.clientWidth || 640)), H = 280, L = 56, R = 12, T = 12, B = 56;
          const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", preserveAspectRatio: "xMidYMid meet" });
          const plot = { x: L, y: T, w: W - L - R, h: H - T - B };
          for (let i = 0; i <= 5; i++) {
            const y = plot.y + plot.h - (plot.h * i) / 5;
            svg.appendChild(svgEl("line", { class: "grid-line", x1: plot.x, x2: plot.x + plot.w, y1: y, y2: y }));
            svg.appendChild(svgEl("text", { x: plot.x - 6, y: y + 4, "text-anchor": "end" }, fmt(Math.round(max * i / 5))));
          }
          svg.appendChild(svgEl("line", { class: "axis", x1: plot.x, x2: plot.x, y1: plot.y, y2: plot.y + plot.h }));
          svg.appendChild(svgEl("line", { class: "axis", x1: plot.x, x2: plot.x + plot.w, y1: plot.y + plot.h, y2: plot.y + plot.h }));
          svg.appendChild(svgEl("text", { class: "axis-label", x: plot.x + plot.w / 2, y: H - 4, "text-anchor": "middle" }, xLabel));
          svg.appendChild(svgEl("text", { class: "axis-label", x: 12, y: plot.y + plot.h / 2, "text-anchor": "middle",
            transform: `rotate(-90 12 ${plot.y + plot.h / 2})` }, yLabel));
          container.replaceChildren(svg);
          return { svg, plot };
        }
        function barChart(container, buckets, xLabel, yLabel) {
          if (!buckets.length) { container.replaceChildren(el("p", { class: "empty" }, "no data yet")); return; }
          const max = niceMax(Math.max(...buckets.map((b) => b.count)));
          const { svg, plot } = frame(container, xLabel, yLabel, max);
          const slot = plot.w / buckets.length, width = Math.max(2, slot * 0.7);
          const every = Math.ceil(buckets.length / Math.max(2, Math.floor(plot.w / 40)));
          buckets.forEach((b, i) => {
            const h = (plot.h * b.count) / max, x = plot.x + slot * i + (slot - width) / 2;
            const rect = svgEl("rect", { class: "bar", x, y: plot.y + plot.h - h, width, height: h,
              "data-label": b.label, "data-value": b.count });
            rect.appendChild(svgEl("title", {}, `${b.label}: ${fmt(b.count)}`));
            svg.appendChild(rect);
            if (i % every === 0) {
              svg.appendChild(svgEl("text", { x: x + width / 2, y: plot.y + plot.h + 16, "text-anchor": "middle" }, b.label));
            }
          });
        }
        function lineChart(container, points, xLabel, yLabel) {
          if (!points.length) { container.replaceChildren(el("p", { class: "empty" }, "no data yet")); return; }
          const max = niceMax(Math.max(...points.map((p) => p.count)));
          const { svg, plot } = frame(container, xLabel, yLabel, max);
          const first = points[0].epochMinute, span = Math.max(1, points[points.length - 1].epochMinute - first);
          const xy = points.map((p) => [plot.x + (plot.w * (p.epochMinute - first)) / span, plot.y + plot.h - (plot.h * p.count) / max]);
          svg.appendChild(svgEl("polyline", { class: "line", points: xy.map((c) => c.join(",")).join(" ") }));
          points.forEach((p, i) => {
            const dot = svgEl("circle", { class: "point", cx: xy[i][0], cy: xy[i][1], r: 3,
              "data-label": p.minute, "data-value": p.count });
            dot.appendChild(svgEl("title", {}, `${p.minute.slice(0, 16).replace("T", " ")} UTC: ${fmt(p.count)}`));
            svg.appendChild(dot);
          });
          const ticks = Math.min(Math.max(2, Math.floor(plot.w / 80)), points.length);
          for (let i = 0; i < ticks; i++) {
            const minute = first + Math.round((span * i) / Math.max(1, ticks - 1));
            const x = plot.x + (plot.w * (minute - first)) / span;
            const label = new Date(minute * 60000).toISOString().slice(11, 16);
            const anchor = i === 0 ? "start" : i === ticks - 1 ? "end" : "middle";
            svg.appendChild(svgEl("text", { x, y: plot.y + plot.h + 16, "text-anchor": anchor }, label));
          }
        }
        function initials(user) {
          return ((user.firstName || "?").charAt(0) + (user.lastName || "").charAt(0)).toUpperCase();
        }
        function userCard(user) {
          const card = el("div", { class: "user-card", "data-user-id": user.id });
          const fallback = () => el("div", { class: "initials", "aria-hidden": "true" }, initials(user));
          if (user.picture) {
            const avatar = el("img", { src: user.picture, alt: "", width: 48, height: 48 });
            avatar.onerror = () => avatar.replaceWith(fallback());
            card.appendChild(avatar);
          } else {
            card.appendChild(fallback());
          }
          const text = el("div");
          text.appendChild(el("div", { class: "name" }, `${user.firstName} ${user.lastName}`));
          text.appendChild(el("div", { class: "meta" }, [user.age != null ? `${user.age} y` : null, user.gender,
            user.city, user.nat].filter(Boolean).join(" · ")));
          text.appendChild(el("div", { class: "meta" }, user.email));
          card.appendChild(text);
          return card;
        }
        function renderRuns(runs) {
          const body = $("runs-table").tBodies[0];
          body.replaceChildren(...runs.map((r) => {
            const row = el("tr", { class: r.zeroRows ? "run zero-rows" : "run", "data-run-id": r.runID });
            const errors = Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join(", ");
            const cells = [r.runID, r.trigger, r.state, r.startedAt.replace("T", " ").slice(0, 19),
              r.durationSeconds == null ? "–" : `${r.durationSeconds.toFixed(1)} s`, fmt(r.fetched), fmt(r.produced),
              fmt(r.stored), fmt(r.deadLettered), errors || "–"];
            cells.forEach((c, i) => {
              const td = el("td", i === 2 ? { class: `state-${r.state}` } : {}, c);
              if (i === 6 && r.zeroRows) td.appendChild(el("span", { class: "flag" }, "zero rows"));
              row.appendChild(td);
            });
            return row;
          }));
          if (!runs.length) body.appendChild(el("tr", {}, "")).appendChild(el("td", { colspan: 10 }, "no runs yet"));
        }
        function renderList(node, items) {
          node.replaceChildren(...(items.length ? items : ["none"]).map((t) => el("li", {}, t)));
        }
        function renderHealth(s) {
          const summary = s.summary;
          $("stat-stored").textContent = fmt(summary.storedUsers);
          $("stat-ingested").textContent = s.ingestedPerSecond == null ? "–" : s.ingestedPerSecond.toFixed(1);
          $("stat-processed").textContent = s.processedPerSecond == null ? "–" : s.processedPerSecond.toFixed(1);
          $("stat-lag").textContent = s.lag.known ? fmt(s.lag.total) : "unknown";
          $("stat-dlq").textContent = fmt(summary.deadLetteredTotal);
          $("stat-errors").textContent = `${(summary.apiErrorRate * 100).toFixed(1)} %`;
          renderList($("dlq-reasons"), summary.deadLetterReasons);
          renderList($("api-errors"), Object.entries(summary.apiErrors).map(([k, v]) => `${k}: ${v}`));
          const sch = summary.scheduler;
          $("scheduler-state").textContent = !sch.available ? "scheduler: not in this process"
            : `scheduler: ${sch.paused ? "paused" : "active"}${sch.running ? ", running" : ""}`;
          $("lag-table").tBodies[0].replaceChildren(...s.lag.partitions.map((p) => {
            const row = el("tr", { "data-partition": p.partition });
            [p.topic, p.partition, fmt(p.committed), p.end == null ? "unknown" : fmt(p.end),
              p.lag == null ? "unknown" : fmt(p.lag)].forEach((c) => row.appendChild(el("td", {}, c)));
            return row;
          }));
          renderRuns(s.runs);
        }
        async function loadCharts() {
          const [minutes, gender, nat, ages, years, users] = await Promise.all([
            getJSON("/api/charts/users-per-minute"), getJSON("/api/charts/gender"), getJSON("/api/charts/nationalities"),
            getJSON("/api/charts/ages"), getJSON("/api/charts/registration-years"), getJSON("/api/users/newest?limit=12")]);
          lineChart($("chart-minutes"), minutes, "minute (UTC)", "users");
          barChart($("chart-gender"), gender, "gender", "users");
          barChart($("chart-nat"), nat, "nationality", "users");
          barChart($("chart-ages"), ages, "age", "users");
          barChart($("chart-years"), years, "registration year", "users");
          $("users").replaceChildren(...users.map(userCard));
        }
        async function loadHealth() {
          const [summary, lag, runs] = await Promise.all([getJSON("/api/summary"), getJSON("/api/lag"), getJSON("/api/runs")]);
          renderHealth({ summary, lag, runs, ingestedPerSecond: null, processedPerSecond: null });
        }
        function follow() {
          if (!window.EventSource) return;
          const live = $("live");
          const source = new EventSource("/api/events");
          source.addEventListener("health", (event) => {
            live.textContent = "live"; live.classList.add("on");
            renderHealth(JSON.parse(event.data));
          });
          source.onerror = () => { live.textContent = "reconnecting…"; live.classList.remove("on"); };
        }
        async function control(path) {
          const message = $("control-message");
          try {
            const body = await getJSON(path, { method: "POST" });
            message.textContent = `${body.action}: ok`; message.className = "";
          } catch (error) {
            message.textContent = error.message; message.className = "error";
          }
        }
        function dashboard() {
          $("btn-trigger").onclick = () => control("/api/runs");
          $("btn-pause").onclick = () => control("/api/schedule/pause");
          $("btn-resume").onclick = () => control("/api/schedule/resume");
          loadHealth().catch((e) => console.error(e));
          loadCharts().catch((e) => console.error(e));
          setInterval(() => loadCharts().catch(() => {}), 15000);
          let resize = null;
          window.addEventListener("resize", () => {
            clearTimeout(resize);
            resize = setTimeout(() => loadCharts().catch(() => {}), 250);
          });
          // `?live=0` renders once without following the event stream: for screenshots and headless browsers, whose
          // virtual time stands still while a request (the stream) is open.
          if (new URLSearchParams(location.search).get("live") === "0") $("live").textContent = "static";
          else setTimeout(follow, 300);
        }
        function sqlPage() {
          const live = $("live"); live.textContent = "";
          const text = $("sql"), link = $("csv-link"), message = $("sql-message");
          const sync = () => { link.href = "/api/query.csv?q=" + encodeURIComponent(text.value); };
          text.addEventListener("input", sync); sync();
          $("sql-form").addEventListener("submit", async (event) => {
            event.preventDefault();
            const table = $("sql-result");
            try {
              const result = await getJSON("/api/query", { method: "POST", headers: { "content-type": "application/json" },
                body: JSON.stringify({ sql: text.value }) });
              table.tHead.replaceChildren(el("tr"));
              result.columns.forEach((c) => table.tHead.rows[0].appendChild(el("th", {}, c)));
              table.tBodies[0].replaceChildren(...result.rows.map((r) => {
                const row = el("tr"); r.forEach((c) => row.appendChild(el("td", {}, c == null ? "NULL" : c))); return row;
              }));
              message.className = "";
              message.textContent = `${result.rows.length} row(s)${result.truncated ? ` (first ${result.limit})` : ""}`;
            } catch (error) {
              message.className = "error"; message.textContent = error.message;
            }
          });
        }
        if (document.body.dataset.page === "sql") sqlPage(); else dashboard();
        """#
}
