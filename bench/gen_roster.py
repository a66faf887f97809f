#!/usr/bin/env python3
"""gen_roster.py — a roster CSV for the import benchmark: UNITS units (default 100,000) in
buildings T1..T50 (2 entrances × 25 floors × 40 rooms each), 2–3 people per unit (~250,000),
30% of owners with a car. Usage: gen_roster.py OUT.csv [UNITS]"""
import random
import sys

out, units = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100000
random.seed(7)
sur = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
giv = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
rows = ["楼栋号,单元,房间号,楼层,建筑面积,使用面积,用途,户型结构,产权人,房屋状态,姓名,关系,手机,证件类型,证件号码,车牌号"]
n = 0
for b in range(1, 51):
    for e in (1, 2):
        for f in range(1, 26):
            for r in range(1, 41):
                if n >= units:
                    break
                room = f"{f}{r:02d}"
                owner = random.choice(sur) + random.choice(giv)
                area = f"{random.randint(60, 140)}.{random.randint(0, 99):02d}"
                for k, rel in enumerate(["业主", "家庭成员", "租户"][:random.choice([2, 3])]):
                    name = owner if k == 0 else random.choice(sur) + random.choice(giv)
                    phone = "13" + str(random.randint(100000000, 999999999))
                    plate = f"粤B{random.randint(10000, 99999)}" if k == 0 and random.random() < 0.3 else ""
                    rows.append(f"T{b},{e},{room},{f},{area},,住宅,三房两厅,{owner},已入住,{name},{rel},{phone},,,{plate}")
                n += 1
with open(out, "w", encoding="utf-8") as fh:
    fh.write("\n".join(rows))
print(n, len(rows) - 1)
