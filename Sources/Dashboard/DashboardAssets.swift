/// The dashboard's pages, style sheet and script, served from the binary (no CDN: it works offline).
enum DashboardAssets {
    static func page(title: String, active: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · UserStream</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        </head>
        <body data-page="\(active)">
        <header class="top">
          <h1>UserStream</h1>
          <nav>
            <a href="/" class="\(active == "dashboard" ? "active" : "")">Dashboard</a>
            <a href="/sql" class="\(active == "sql" ? "active" : "")">SQL</a>
          </nav>
          <span id="live" class="live" title="server-sent events">connecting…</span>
        </header>
        <main>
        \(body)
        </main>
        <script src="/assets/dashboard.js"></script>
        </body>
        </html>
        """
    }

    static let dashboardPage = page(
        title: "Dashboard",
        active: "dashboard",
        body: """
            <section class="panel" id="health">
              <h2>Pipeline health</h2>
              <div class="cards">
                <div class="stat"><span class="label">Stored users</span><span class="value" id="stat-stored">–</span></div>
                <div class="stat"><span class="label">Ingested users/s</span><span class="value" id="stat-ingested">–</span></div>
                <div class="stat"><span class="label">Processed users/s</span><span class="value" id="stat-processed">–</span></div>
                <div class="stat"><span class="label">Consumer lag</span><span class="value" id="stat-lag">–</span></div>
                <div class="stat"><span class="label">Dead-lettered</span><span class="value" id="stat-dlq">–</span></div>
                <div class="stat"><span class="label">API error rate</span><span class="value" id="stat-errors">–</span></div>
              </div>
              <div class="controls">
                <span id="scheduler-state">scheduler: –</span>
                <button id="btn-trigger" type="button">Run now</button>
                <button id="btn-pause" type="button">Pause schedule</button>
                <button id="btn-resume" type="button">Resume schedule</button>
                <span id="control-message" role="status"></span>
              </div>
              <div class="two">
                <div>
                  <h3>Lag per partition</h3>
                  <div class="scroll"><table class="data" id="lag-table"><thead><tr><th>Topic</th><th>Partition</th>
                    <th>Committed</th><th>End</th><th>Lag</th></tr></thead><tbody></tbody></table></div>
                </div>
                <div>
                  <h3>Dead letters</h3>
                  <ul id="dlq-reasons" class="reasons"><li>none</li></ul>
                  <h3>API errors by kind</h3>
                  <ul id="api-errors" class="reasons"><li>none</li></ul>
                </div>
              </div>
            </section>
            <section class="panel" id="runs">
              <h2>Recent <code>user_automation</code> runs</h2>
              <div class="scroll">
              <table class="data" id="runs-table">
                <thead><tr><th>Run</th><th>Trigger</th><th>State</th><th>Started</th><th>Duration</th><th>Fetched</th>
                  <th>Produced</th><th>Stored</th><th>Dead-lettered</th><th>Errors</th></tr></thead>
                <tbody></tbody>
              </table>
              </div>
            </section>
            <section class="grid">
              <div class="panel chart wide"><h2>Users per minute</h2><div id="chart-minutes" class="svg"></div></div>
              <div class="panel chart"><h2>Gender</h2><div id="chart-gender" class="svg"></div></div>
              <div class="panel chart"><h2>Top nationalities</h2><div id="chart-nat" class="svg"></div></div>
              <div class="panel chart"><h2>Age distribution</h2><div id="chart-ages" class="svg"></div></div>
              <div class="panel chart"><h2>Registration years</h2><div id="chart-years" class="svg"></div></div>
            </section>
            <section class="panel">
              <h2>Newest users</h2>
              <div id="users" class="users"></div>
            </section>
            """
    )

    static let sqlPage = page(
        title: "SQL",
        active: "sql",
        body: """
            <section class="panel">
              <h2>SQL (read-only, SQLite dialect)</h2>
              <form id="sql-form">
                <textarea id="sql" name="q" rows="6" spellcheck="false">SELECT nat, count(*) AS users
            FROM spark_streams.created_users
            GROUP BY nat ORDER BY users DESC</textarea>
                <div class="controls">
                  <button type="submit">Run</button>
                  <a id="csv-link" class="button" href="#">Download CSV</a>
                  <span id="sql-message" role="status"></span>
                </div>
              </form>
              <div class="scroll"><table class="data" id="sql-result"><thead></thead><tbody></tbody></table></div>
            </section>
            """
    )

    static let css = """
        :root { --bg: #f5f6f8; --fg: #1d2330; --muted: #667085; --panel: #fff; --accent: #2f6fde; --warn: #c2410c;
          --ok: #15803d; --line: #e3e6ea; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg);
          color: var(--fg); }
        header.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #1d2330;
          color: #fff; flex-wrap: wrap; }
        header.top h1 { font-size: 1.2rem; margin: 0; }
        header.top nav a { color: #cdd5e0; margin-right: 1rem; text-decoration: none; }
        header.top nav a.active { color: #fff; font-weight: 600; border-bottom: 2px solid var(--accent); }
        .live { margin-left: auto; font-size: .85rem; color: #cdd5e0; }
        .live.on::before { content: "● "; color: #4ade80; }
        main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem;
          margin-bottom: 1rem; min-width: 0; }
        h2 { font-size: 1.05rem; margin: 0 0 .6rem; } h3 { font-size: .95rem; margin: .8rem 0 .4rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .6rem; }
        .stat { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
        .stat .label { display: block; color: var(--muted); font-size: .8rem; }
        .stat .value { font-size: 1.4rem; font-weight: 600; }
        .controls { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .8rem 0; }
        button, a.button { background: var(--accent); color: #fff; border: 0; border-radius: 5px; padding: .4rem .8rem;
          font: inherit; cursor: pointer; text-decoration: none; }
        .two { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
        .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; }
        .grid .panel { margin-bottom: 0; } .grid .wide { grid-column: 1 / -1; }
        .grid + .panel { margin-top: 1rem; }
        .svg svg { width: 100%; height: auto; display: block; }
        .svg text { font-size: 11px; fill: var(--muted); } .svg .axis { stroke: #98a2b3; }
        .svg .bar { fill: var(--accent); } .svg .point { fill: var(--accent); } .svg .line { stroke: var(--accent);
          fill: none; stroke-width: 2; } .svg .grid-line { stroke: var(--line); }
        .scroll { overflow-x: auto; }
        table.data { border-collapse: collapse; width: 100%; font-size: .85rem; }
        table.data th, table.data td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line);
          white-space: nowrap; }
        tr.zero-rows td { background: #fff7ed; } .state-failed { color: var(--warn); font-weight: 600; }
        .state-success { color: var(--ok); } .flag { color: var(--warn); font-size: .75rem; margin-left: .3rem; }
        .reasons { margin: 0; padding-left: 1.1rem; font-size: .85rem; overflow-wrap: anywhere; }
        .two > div { min-width: 0; }
        .users { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .6rem; }
        .user-card { display: flex; gap: .6rem; align-items: center; border: 1px solid var(--line); border-radius: 6px;
          padding: .5rem; min-width: 0; }
        .user-card img, .user-card .initials { width: 48px; height: 48px; border-radius: 50%; flex: none; }
        .user-card .initials { display: flex; align-items: center; justify-content: center; background: #dbe4f5;
          color: #1d3f7a; font-weight: 700; }
        .user-card .name { font-weight: 600; } .user-card .meta { color: var(--muted); font-size: .8rem;
          overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .user-card > div { min-width: 0; }
        textarea { width: 100%; font: 14px/1.4 ui-monospace, Menlo, Consolas, monospace; padding: .5rem;
          border: 1px solid var(--line); border-radius: 6px; }
        .error { color: var(--warn); }
        @media (max-width: 760px) {
          .grid, .two { grid-template-columns: 1fr; }
          main { padding: .5rem; }
          .stat .value { font-size: 1.15rem; }
        }
        """
}
