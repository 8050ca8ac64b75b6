// Every project's specs; `npx jest --selectProjects bus` runs one.
module.exports = {
  // Global options: jest ignores them in project configs when it runs several projects.
  testTimeout: 30000,
  projects: ['<rootDir>/libs/*/jest.config.cjs', '<rootDir>/apps/*/jest.config.cjs'],
};
