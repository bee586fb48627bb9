namespace Research.Core.Configuration;

/// <summary>
/// Options with checks that attributes cannot express (cross-field rules). The validator reports each
/// message at the object's JSON path; a message should start with the snake_case key it is about,
/// e.g. <c>"beta_end: must exceed beta_start"</c>, so the error names the key.
/// </summary>
public interface IValidatableOptions
{
    /// <summary>Human-readable problems; empty when valid.</summary>
    IEnumerable<string> Validate();
}
