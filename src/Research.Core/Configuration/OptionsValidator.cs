using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Core.Registry;

namespace Research.Core.Configuration;

/// <summary>
/// Validates bound options before any tensor exists: DataAnnotations attributes (<c>[Range]</c>,
/// <c>[Required]</c>, …) at each property's JSON path; <see cref="IValidatableOptions"/> messages at
/// their object's path (<c>training.optimizer</c> + <c>lr: …</c> → <c>training.optimizer.lr</c>); and
/// the cross checks: optimizer sections name networks of the chosen parameterization, the schedule's
/// own <c>Validate()</c> is reported under <c>schedule</c>, and <see cref="RunChecks"/> (sampling requests, family and
/// backbone against the data, the device against the build).
/// </summary>
internal static partial class OptionsValidator
{
    /// <summary>Every problem in <paramref name="options"/>, by JSON path.</summary>
    public static List<PathError> Validate(ExperimentOptions options, ComponentRegistry registry)
    {
        var errors = new List<PathError>();
        Visit(options, "", errors);

        // The schedule's checks, unless it already reported them as an IValidatableOptions.
        if ((object)options.Schedule is not IValidatableOptions)
            foreach (var message in options.Schedule.Validate()) errors.Add(AtMessageKey("schedule", message));

        if (registry.TryGet(ComponentKind.Parameterization, options.Parameterization.Type, out var family))
            foreach (var network in options.Training.Optimizers.Keys.Where(n => !family.Networks.Contains(n)))
                errors.Add(new PathError($"training.optimizers.{network}",
                    $"'{network}' is not a network of '{family.Key}'{ConfigKeys.DidYouMean(network, family.Networks)} (its networks: {string.Join(", ", family.Networks)})"));
        if (family is not null)
            foreach (var network in options.Training.Init.Keys.Where(n => !family.Networks.Contains(n)))
                errors.Add(new PathError($"training.init.{network}",
                    $"'{network}' is not a network of '{family.Key}'{ConfigKeys.DidYouMean(network, family.Networks)} (its networks: {string.Join(", ", family.Networks)})"));
        if (family is not null)
            foreach (var role in (options.Backbone.RoleOptions?.Keys.AsEnumerable() ?? []).Where(r => !family.Networks.Contains(r)))
                errors.Add(new PathError($"backbone.roles.{role}",
                    $"'{role}' is not a network of '{family.Key}'{ConfigKeys.DidYouMean(role, family.Networks)} (its networks: {string.Join(", ", family.Networks)})"));
        // Data options that failed their own checks describe nothing reliable: check the rest against unknown data.
        var data = errors.Any(e => e.Path == "data" || e.Path.StartsWith("data.", StringComparison.Ordinal))
            ? DataDescription.Unknown
            : RunChecks.Describe(options, registry);
        errors.AddRange(RunChecks.Check(options, registry, data));
        return errors;
    }

    /// <summary>
    /// The checks that depend on the data, again with <paramref name="data"/> as the data's files describe it (after
    /// <see cref="DataPreflight"/> read their headers): requests, family and backbone against the real shape and classes.
    /// </summary>
    public static List<PathError> ValidateAgainstData(ExperimentOptions options, ComponentRegistry registry, DataDescription data) =>
        RunChecks.Check(options, registry, data);

    /// <summary>
    /// A message <c>"key: text"</c> reported at <c>path.key</c>; a message without a leading key at <paramref name="path"/>.
    /// </summary>
    public static PathError AtMessageKey(string path, string message) =>
        MessageKey().Match(message) is { Success: true } m
            ? new PathError(ConfigKeys.Child(path, m.Groups["key"].Value), m.Groups["rest"].Value)
            : new PathError(path, message);

    private static void Visit(object target, string path, List<PathError> errors)
    {
        foreach (var property in ConfigKeys.Bindable(target.GetType()))
        {
            var propertyPath = ConfigKeys.Child(path, ConfigKeys.JsonName(property));
            var value = property.GetValue(target);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
                if (Check(attribute, value, target, property) is { } message) errors.Add(new PathError(propertyPath, message));
            switch (value)
            {
                case null or string:
                    break;
                case ComponentSpec spec:
                    if (spec.Options is not null) Visit(spec.Options, ConfigKeys.Child(propertyPath, "options"), errors);
                    foreach (var role in spec.RoleOptions?.Keys.AsEnumerable() ?? [])
                        Visit(spec.OptionsFor(role), ConfigKeys.Child(ConfigKeys.Child(propertyPath, "roles"), role), errors);
                    break;
                case IDictionary dict:
                    foreach (DictionaryEntry e in dict)
                        if (e.Value is { } v && ConfigKeys.IsOptionsClass(v.GetType()))
                            Visit(v, ConfigKeys.Child(propertyPath, Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? ""), errors);
                    break;
                case IList list:
                    for (var i = 0; i < list.Count; i++)
                        if (list[i] is { } v && ConfigKeys.IsOptionsClass(v.GetType())) Visit(v, ConfigKeys.Item(propertyPath, i), errors);
                    break;
                default:
                    if (ConfigKeys.IsOptionsClass(value.GetType())) Visit(value, propertyPath, errors);
                    break;
            }
        }
        if (target is IValidatableOptions validatable)
            foreach (var message in validatable.Validate()) errors.Add(AtMessageKey(path, message));
    }

    private static string? Check(ValidationAttribute attribute, object? value, object target, PropertyInfo property)
    {
        ValidationResult? result;
        try
        {
            var context = new ValidationContext(target) { MemberName = property.Name, DisplayName = ConfigKeys.JsonName(property) };
            result = attribute.GetValidationResult(value, context);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidCastException or OverflowException or FormatException or ArgumentException)
        {
            return $"cannot be checked by [{attribute.GetType().Name}]: {e.Message}";
        }
        if (result == ValidationResult.Success) return null;
        return attribute switch
        {
            RangeAttribute range => RangeMessage(range, value),
            RequiredAttribute => "is required",
            _ => result?.ErrorMessage ?? "is invalid",
        };
    }

    private static string RangeMessage(RangeAttribute range, object? value)
    {
        // [Range(1, long.MaxValue)] means "at least 1"; don't print 9.2E+18.
        var unbounded = range.Maximum is double d && d >= 9e15 || range.Maximum is int i && i == int.MaxValue;
        var got = Format(value);
        return unbounded
            ? $"must be at least {Format(range.Minimum)} (got {got})"
            : $"must be between {Format(range.Minimum)} and {Format(range.Maximum)} (got {got})";
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    [GeneratedRegex(@"^(?<key>[a-z0-9_]+(?:\[[0-9]+\])*(?:\.[a-z0-9_]+(?:\[[0-9]+\])*)*): (?<rest>.+)$", RegexOptions.Singleline)]
    private static partial Regex MessageKey();
}
