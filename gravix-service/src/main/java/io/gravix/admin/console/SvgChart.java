package io.gravix.admin.console;

import java.util.List;
import java.util.Locale;

/** A small inline SVG line chart of one series over the last 15 minutes (no script, no external asset). */
final class SvgChart {
    private static final int W = 420;
    private static final int H = 90;

    private SvgChart() {}

    static String render(String title, String unit, List<Double> values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double top = max <= 0 ? 1 : max * 1.1;
        StringBuilder points = new StringBuilder();
        int n = Math.max(values.size(), 2);
        for (int i = 0; i < values.size(); i++) {
            double x = (double) i * W / (n - 1);
            double y = H - values.get(i) / top * H;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        String last = values.isEmpty() ? "no data yet" : String.format(Locale.ROOT, "%.1f %s now, peak %.1f", values.get(values.size() - 1), unit, max);
        return "<figure class=\"chart\"><figcaption>" + Html.escape(title) + " <span class=\"muted\">" + Html.escape(last) + "</span></figcaption>"
                + "<svg role=\"img\" aria-label=\"" + Html.escape(title) + "\" viewBox=\"0 0 " + W + " " + (H + 2) + "\" width=\"" + W + "\" height=\"" + (H + 2) + "\">"
                + "<rect x=\"0\" y=\"0\" width=\"" + W + "\" height=\"" + (H + 2) + "\" fill=\"#f6f8fa\"/>"
                + "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"" + points.toString().trim() + "\"/></svg></figure>";
    }
}
