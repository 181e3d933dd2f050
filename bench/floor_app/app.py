"""The floor for bench/bench_browser.py: the least a two-page Streamlit app costs — st.navigation
over two pages, each a title and a 300-row table. Served and driven exactly like Sheetdesk."""

import numpy as np
import pandas as pd
import streamlit as st

ROWS = 300


@st.cache_data
def table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": [f"TS-20261130-{i:04d}" for i in range(ROWS)],
            "received_at": pd.date_range("2026-11-01", periods=ROWS, freq="2h"),
            "client": [f"客户 {i % 97}" for i in range(ROWS)],
            "category": rng.choice(["收费", "服务态度", "产品质量", "其他"], ROWS),
            "severity": rng.choice(["一般", "严重", "重大"], ROWS),
            "status": rng.choice(["已受理", "处理中", "已解决"], ROWS),
            "handler": rng.choice(["王芳", "刘洋", "陈平"], ROWS),
            "score": rng.integers(1, 6, ROWS),
            "description": [f"第 {i} 条：客户反映等待时间过长" for i in range(ROWS)],
        }
    )


def page_a() -> None:
    st.title("Page A")
    st.dataframe(table(1), hide_index=True)


def page_b() -> None:
    st.title("Page B")
    st.dataframe(table(2), hide_index=True)


st.set_page_config(page_title="Floor", layout="wide")
st.navigation(
    [
        st.Page(page_a, title="Page A", url_path="a", default=True),
        st.Page(page_b, title="Page B", url_path="b"),
    ]
).run()
