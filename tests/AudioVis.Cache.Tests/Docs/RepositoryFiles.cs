using System.Runtime.CompilerServices;

namespace AudioVis.Cache.Tests.Docs;

/// <summary>Finds files of the repository (docs, PublicAPI files) from the test's source location.</summary>
internal static class RepositoryFiles
{
    public static string Path(string relative, [CallerFilePath] string here = "")
    {
        for (var folder = System.IO.Path.GetDirectoryName(here); folder is not null; folder = System.IO.Path.GetDirectoryName(folder))
        {
            if (File.Exists(System.IO.Path.Combine(folder, "AudioVis.Cache.sln")))
            {
                return System.IO.Path.Combine(folder, relative);
            }
        }

        throw new InvalidOperationException($"No AudioVis.Cache.sln above {here}.");
    }
}
