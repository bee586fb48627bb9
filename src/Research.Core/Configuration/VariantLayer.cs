using Research.Core.Experiments;

namespace Research.Core.Configuration;

/// <summary>One entry of <c>variants</c>: its index, its name and flattened <c>set</c>, and that set as a layer.</summary>
internal sealed record VariantLayer(int Index, VariantOptions Variant, ConfigLayer Layer);
