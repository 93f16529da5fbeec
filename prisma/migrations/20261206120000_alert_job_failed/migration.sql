-- AlterEnum
ALTER TYPE "AlertKind" ADD VALUE 'JOB_FAILED';
