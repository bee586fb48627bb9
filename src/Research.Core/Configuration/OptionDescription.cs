namespace Research.Core.Configuration;

/// <summary>One key of a component's options, as <c>research list</c> shows it.</summary>
/// <param name="Key">The JSON key (snake_case).</param>
/// <param name="Type">What the key takes: <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>string</c>, <c>one of a, b</c>,
/// <c>list of …</c>, <c>object</c>.</param>
/// <param name="Default">The default as JSON (compact).</param>
/// <param name="Doc">The property's XML-doc summary as one line, or null when the assembly ships no documentation file.</param>
/// <param name="SamplingTime">True for a <see cref="SamplingTimeAttribute"/> key (not compared when a checkpoint loads).</param>
public sealed record OptionDescription(string Key, string Type, string Default, string? Doc, bool SamplingTime);
