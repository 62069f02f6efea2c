using System.Reflection;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AudioVis.Cache.Reliability.Tests.Conformance;

/// <summary>
/// Runs the [Test] methods of a conformance fixture instance in-process, each inside an isolated NUnit context (so
/// its failed assertions are recorded there, not on the calling test), with the fixture's [SetUp] and [TearDown]
/// methods around it, and reports which tests failed and why.
/// </summary>
internal static class ConformanceRunner
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The names of the [Test] methods of a fixture type (inherited ones included), ordered.</summary>
    public static IReadOnlyList<string> TestNames(Type fixtureType) =>
        [.. Methods<TestAttribute>(fixtureType).Select(m => m.Name).Order(StringComparer.Ordinal)];

    /// <summary>Runs every test of the fixture; returns the failing tests' names with their failure messages.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(object fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var type = fixture.GetType();
        var setUps = Methods<SetUpAttribute>(type).Reverse().ToArray(); // base class first
        var tearDowns = Methods<TearDownAttribute>(type).ToArray(); // derived class first
        var failures = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var test in Methods<TestAttribute>(type).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (await RunOneAsync(fixture, test, setUps, tearDowns) is { } failure)
            {
                failures[test.Name] = failure;
            }
        }

        return failures;
    }

    private static async Task<string?> RunOneAsync(object fixture, MethodInfo test, MethodInfo[] setUps, MethodInfo[] tearDowns)
    {
        using var isolated = new TestExecutionContext.IsolatedContext();
        string? failure = null;
        try
        {
            foreach (var setUp in setUps)
            {
                await InvokeAsync(fixture, setUp);
            }

            await InvokeAsync(fixture, test);
        }
        catch (Exception ex) when (ex is not SuccessException and not IgnoreException and not InconclusiveException)
        {
            failure = $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            foreach (var tearDown in tearDowns)
            {
                try
                {
                    await InvokeAsync(fixture, tearDown);
                }
                catch (Exception ex)
                {
                    failure ??= $"[TearDown] {ex.GetType().Name}: {ex.Message}";
                }
            }
        }

        // Failures inside Assert.Multiple, or assertions a test caught, are recorded on the (isolated) result.
        var recorded = TestExecutionContext.CurrentContext.CurrentResult.AssertionResults.FirstOrDefault(a => a.Status != AssertionStatus.Passed);
        return failure ?? recorded?.Message;
    }

    private static async Task InvokeAsync(object fixture, MethodInfo method)
    {
        object? result;
        try
        {
            result = method.Invoke(fixture, null);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        switch (result)
        {
            case Task task:
                await task.WaitAsync(TestTimeout);
                break;
            case ValueTask valueTask:
                await valueTask.AsTask().WaitAsync(TestTimeout);
                break;
        }
    }

    // Most derived first; a method overridden in a derived class is listed once.
    private static IEnumerable<MethodInfo> Methods<TAttribute>(Type type)
        where TAttribute : Attribute =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.IsDefined(typeof(TAttribute), inherit: true))
            .OrderBy(m => Depth(m.DeclaringType!) * -1);

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }
}
