namespace LogiLlm.Studio.Components.Charts;

/// <summary>One line of a chart: a name for the legend, a CSS class for its colour and its points in x order.</summary>
public sealed record ChartSeries(string Name, string CssClass, IReadOnlyList<ChartPoint> Points);

/// <summary>A point: its label on the x axis, its value (null: no value there) and the text shown on hover.</summary>
public sealed record ChartPoint(string X, double? Y, string? Tooltip = null);
